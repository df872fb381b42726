/**
 * Gauss–Legendre nodes x and weights w on [−1, 1]: ∫ f ≈ Σ w_i f(x_i), exact for polynomials of degree ≤ 2n − 1.
 * Nodes are the roots of P_n, found by Newton's method from the asymptotic guess cos(π(i + ¾)/(n + ½)), with P_n
 * by the three-term recurrence and w_i = 2/((1 − x_i²) P_n′(x_i)²) (Abramowitz & Stegun 25.4.29).
 */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 1; j <= n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j;
      }
      const pp = (n * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / pp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) {
        w[i] = 2 / ((1 - z * z) * pp * pp);
        break;
      }
    }
    x[i] = z;
  }
  return { x, w };
}
