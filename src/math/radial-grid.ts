/**
 * Logarithmic radial grids r_i = exp(x0 + i·h), i = 0…n−1 (bohr), and integration/interpolation on them.
 * FEFF's grid is x0 = −8.8, h = 0.05 (r_1 = exp(−8.8) ≈ 1.5e−4 bohr): see `feffGrid`.
 * Integrals ∫ f(r) dr are done in x = ln r, dr = r dx, with 4th-order formulas on the uniform x mesh.
 */
export interface RadialGrid {
  readonly x0: number;
  readonly h: number;
  /** r_i in bohr. */
  readonly r: Float64Array;
}

export function logGrid(x0: number, h: number, n: number): RadialGrid {
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.exp(x0 + i * h);
  return { x0, h, r };
}

/** A log grid from rmin to at least rmax with step h in ln r. */
export function logGridSpan(rmin: number, rmax: number, h: number): RadialGrid {
  const x0 = Math.log(rmin);
  const n = Math.ceil((Math.log(rmax) - x0) / h) + 1;
  return logGrid(x0, h, n);
}

/** FEFF's radial grid: r_i = exp(−8.8 + 0.05·(i−1)) bohr, i = 1…n (documented in the FEFF pot0N.dat header). */
export function feffGrid(n = 251): RadialGrid {
  return logGrid(-8.8, 0.05, n);
}

/** Fractional grid index of radius r (bohr). */
export function gridIndex(g: RadialGrid, r: number): number {
  return (Math.log(r) - g.x0) / g.h;
}

/**
 * Cumulative ∫_{r_0}^{r_i} f(r) dr (f given on the grid), 4th order in h:
 * I_{i} = I_{i−1} + h/24 (−g_{i−2} + 13 g_{i−1} + 13 g_i − g_{i+1}), g = f·r; ends use the one-sided
 * cubic formula h/24 (9 g_{i−1} + 19 g_i − 5 g_{i+1} + g_{i+2}) (and its mirror).
 * The contribution below r_0 is approximated by g_0/k where f ∝ r^(k−1) from the first two points (power law).
 */
export function cumulativeIntegral(g: RadialGrid, f: ArrayLike<number>, includeOrigin = true): Float64Array {
  const n = g.r.length;
  const r = g.r;
  const h = g.h;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = f[i]! * r[i]!;
  const out = new Float64Array(n);
  if (includeOrigin && y[0] !== 0 && y[1] !== 0 && y[0]! * y[1]! > 0) {
    const k = Math.log(y[1]! / y[0]!) / h; // y ∝ r^k near the origin
    out[0] = k > 0.1 ? y[0]! / k : 0;
  }
  for (let i = 1; i < n; i++) {
    let step: number;
    if (n < 4) step = (h * (y[i - 1]! + y[i]!)) / 2;
    else if (i === 1) step = (h / 24) * (9 * y[0]! + 19 * y[1]! - 5 * y[2]! + y[3]!);
    else if (i === n - 1) step = (h / 24) * (9 * y[i]! + 19 * y[i - 1]! - 5 * y[i - 2]! + y[i - 3]!);
    else step = (h / 24) * (-y[i - 2]! + 13 * y[i - 1]! + 13 * y[i]! - y[i + 1]!);
    out[i] = out[i - 1]! + step;
  }
  return out;
}

/** ∫_0^{r_last} f(r) dr (including the power-law piece below r_0). */
export function integrate(g: RadialGrid, f: ArrayLike<number>): number {
  const c = cumulativeIntegral(g, f);
  return c[c.length - 1]!;
}

/**
 * Value at radius r of a function tabulated on the grid: 4-point Lagrange interpolation in x = ln r.
 * Beyond the grid the last value is returned; below r_0 the first.
 */
export function interpolateRadial(g: RadialGrid, f: ArrayLike<number>, r: number): number {
  const n = g.r.length;
  if (r <= g.r[0]!) return f[0]!;
  const t = gridIndex(g, r);
  if (t >= n - 1) return f[n - 1]!;
  let i = Math.floor(t) - 1;
  if (i < 0) i = 0;
  if (i > n - 4) i = n - 4;
  const u = t - i;
  const f0 = f[i]!;
  const f1 = f[i + 1]!;
  const f2 = f[i + 2]!;
  const f3 = f[i + 3]!;
  // Lagrange on nodes 0,1,2,3
  return (
    (-f0 * (u - 1) * (u - 2) * (u - 3)) / 6 +
    (f1 * u * (u - 2) * (u - 3)) / 2 -
    (f2 * u * (u - 1) * (u - 3)) / 2 +
    (f3 * u * (u - 1) * (u - 2)) / 6
  );
}

/** Re-tabulate f from grid `from` onto grid `to` (zero beyond the end of `from` if `zeroOutside`). */
export function regrid(
  from: RadialGrid,
  f: ArrayLike<number>,
  to: RadialGrid,
  zeroOutside = true,
): Float64Array {
  const out = new Float64Array(to.r.length);
  const rmax = from.r[from.r.length - 1]!;
  for (let i = 0; i < out.length; i++) {
    const r = to.r[i]!;
    out[i] = zeroOutside && r > rmax ? 0 : interpolateRadial(from, f, r);
  }
  return out;
}
