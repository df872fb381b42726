/**
 * Angular-momentum algebra for atomic multiplets.
 *
 * - Wigner 3j symbols by the Racah formula (Edmonds, *Angular Momentum in Quantum Mechanics*, eq. 3.7.3;
 *   Cowan 1981, eq. 5.2).
 * - Gaunt coefficients c^k(l m, l' m') = ⟨l m|C^k_{m−m'}|l' m'⟩
 *     = (−1)^m √((2l+1)(2l'+1)) (l k l'; 0 0 0) (l k l'; −m m−m' m')      (Cowan 1981, eq. 11.23;
 *   Slater, *Quantum Theory of Atomic Structure* (1960) vol. I, App. 20), Condon–Shortley phases.
 */

const FACT: number[] = [1];
for (let i = 1; i <= 40; i++) FACT.push(FACT[i - 1] * i);

function fact(n: number): number {
  if (n < 0 || !Number.isInteger(n)) return Number.NaN;
  return FACT[n];
}

/** Wigner 3j symbol (j1 j2 j3; m1 m2 m3) for integer or half-integer arguments (up to j ≈ 10). */
export function wigner3j(j1: number, j2: number, j3: number, m1: number, m2: number, m3: number): number {
  if (Math.abs(m1 + m2 + m3) > 1e-9) return 0;
  if (Math.abs(m1) > j1 || Math.abs(m2) > j2 || Math.abs(m3) > j3) return 0;
  if (j3 < Math.abs(j1 - j2) || j3 > j1 + j2) return 0;
  const a = Math.round(j1 + j2 - j3);
  const b = Math.round(j1 - j2 + j3);
  const c = Math.round(-j1 + j2 + j3);
  const tri = (fact(a) * fact(b) * fact(c)) / fact(Math.round(j1 + j2 + j3 + 1));
  const pre =
    Math.sqrt(
      tri *
        fact(Math.round(j1 + m1)) *
        fact(Math.round(j1 - m1)) *
        fact(Math.round(j2 + m2)) *
        fact(Math.round(j2 - m2)) *
        fact(Math.round(j3 + m3)) *
        fact(Math.round(j3 - m3)),
    ) * (Math.round(j1 - j2 - m3) % 2 === 0 ? 1 : -1);
  const tmin = Math.max(0, Math.round(j2 - j3 - m1), Math.round(j1 - j3 + m2));
  const tmax = Math.min(a, Math.round(j1 - m1), Math.round(j2 + m2));
  let sum = 0;
  for (let t = tmin; t <= tmax; t++) {
    const den =
      fact(t) *
      fact(Math.round(j3 - j2 + t + m1)) *
      fact(Math.round(j3 - j1 + t - m2)) *
      fact(a - t) *
      fact(Math.round(j1 - t - m1)) *
      fact(Math.round(j2 - t + m2));
    sum += (t % 2 === 0 ? 1 : -1) / den;
  }
  return pre * sum;
}

/** Gaunt coefficient c^k(l m, l' m') (see module doc). */
export function gaunt(k: number, l: number, m: number, lp: number, mp: number): number {
  const w0 = wigner3j(l, k, lp, 0, 0, 0);
  if (w0 === 0) return 0;
  const w = wigner3j(l, k, lp, -m, m - mp, mp);
  if (w === 0) return 0;
  return (m % 2 === 0 ? 1 : -1) * Math.sqrt((2 * l + 1) * (2 * lp + 1)) * w0 * w;
}
