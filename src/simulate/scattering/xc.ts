/**
 * Ground-state local-density exchange–correlation (Hartree atomic units; density n in electrons/bohr³).
 *
 * - Exchange (Slater/Kohn–Sham): ε_x = −(3/4)(3n/π)^{1/3}, v_x = (4/3) ε_x.
 * - Correlation `vwn`: Vosko, Wilk & Nusair, Can. J. Phys. 58, 1200 (1980), paramagnetic fit "5" to
 *   Ceperley–Alder: A = 0.0310907, x0 = −0.10498, b = 3.72744, c = 12.9352 (x = √r_s). This is the functional of the
 *   NIST atomic reference data (Kotochigova et al., PRA 55, 191 (1997)).
 * - Correlation `pz`: Perdew & Zunger, PRB 23, 5048 (1981), Appendix C (unpolarised).
 * - `hedin-lundqvist` ground state (used by FEFF for V_tot, Ankudinov et al. PRB 58, 7565 (1998), Sec. II;
 *   Hedin & Lundqvist J. Phys. C 4, 2064 (1971) Eq. 6.4 (unpolarised von Barth–Hedin form)):
 *   v_xc = −(2/(π α r_s)) β(r_s) Ry… written here in Hartree as v_xc = −(1/(π α r_s))·β, β = 1 + 0.0368 r_s ln(1 + 21/r_s)
 *   with α = (4/(9π))^{1/3}; i.e. v_xc = v_x · β(r_s).
 * - `von-barth-hedin`: von Barth & Hedin, J. Phys. C 5, 1629 (1972), unpolarised limit: same form with
 *   C = 0.0504 Ry, r_p = 30: v_c = −0.0252 ln(1 + 30/r_s) Ha. This is what FEFF's overlapped `vtot` contains inside
 *   the muffin tins (checked against pot0N.dat of the golden runs: agreement to 1e−4 Ha).
 */

export type CorrelationModel = 'vwn' | 'pz' | 'hedin-lundqvist' | 'von-barth-hedin' | 'none';

export interface XcPoint {
  /** Exchange–correlation energy per electron ε_xc (Ha). */
  readonly exc: number;
  /** Exchange–correlation potential v_xc = d(n ε_xc)/dn (Ha). */
  readonly vxc: number;
}

const THIRD = 1 / 3;

/** Wigner–Seitz radius r_s = (3/(4πn))^{1/3} (bohr). */
export function wignerSeitzRadius(n: number): number {
  return (3 / (4 * Math.PI * n)) ** THIRD;
}

function vwnParamagnetic(rs: number): { ec: number; vc: number } {
  const A = 0.0310907;
  const x0 = -0.10498;
  const b = 3.72744;
  const c = 12.9352;
  const Q = Math.sqrt(4 * c - b * b);
  const x = Math.sqrt(rs);
  const X = x * x + b * x + c;
  const X0 = x0 * x0 + b * x0 + c;
  const at = Math.atan(Q / (2 * x + b));
  const ec =
    A *
    (Math.log((x * x) / X) +
      ((2 * b) / Q) * at -
      ((b * x0) / X0) * (Math.log((x - x0) ** 2 / X) + ((2 * (b + 2 * x0)) / Q) * at));
  // dε/dx, using d/dx atan(Q/(2x+b)) = −Q/(2X)
  const dec =
    A *
    (2 / x - (2 * x + b) / X - b / X - ((b * x0) / X0) * (2 / (x - x0) - (2 * x + b) / X - (b + 2 * x0) / X));
  // v = ε − (r_s/3) dε/dr_s = ε − (x/6) dε/dx
  return { ec, vc: ec - (x / 6) * dec };
}

function pzParamagnetic(rs: number): { ec: number; vc: number } {
  if (rs >= 1) {
    const g = -0.1423;
    const b1 = 1.0529;
    const b2 = 0.3334;
    const sq = Math.sqrt(rs);
    const den = 1 + b1 * sq + b2 * rs;
    const ec = g / den;
    const vc = (ec * (1 + (7 / 6) * b1 * sq + (4 / 3) * b2 * rs)) / den;
    return { ec, vc };
  }
  const A = 0.0311;
  const B = -0.048;
  const C = 0.002;
  const D = -0.0116;
  const ln = Math.log(rs);
  return {
    ec: A * ln + B + C * rs * ln + D * rs,
    vc: A * ln + (B - A / 3) + (2 / 3) * C * rs * ln + ((2 * D - C) / 3) * rs,
  };
}

/** LDA exchange–correlation at density n (electrons/bohr³). Returns zeros for n ≤ 1e−30. */
export function ldaXc(n: number, correlation: CorrelationModel = 'vwn'): XcPoint {
  if (!(n > 1e-30)) return { exc: 0, vxc: 0 };
  const rs = wignerSeitzRadius(n);
  const ex = -0.75 * ((3 * n) / Math.PI) ** THIRD;
  const vx = (4 / 3) * ex;
  switch (correlation) {
    case 'vwn': {
      const c = vwnParamagnetic(rs);
      return { exc: ex + c.ec, vxc: vx + c.vc };
    }
    case 'pz': {
      const c = pzParamagnetic(rs);
      return { exc: ex + c.ec, vxc: vx + c.vc };
    }
    case 'hedin-lundqvist': {
      // Hedin–Lundqvist (1971) Eq. 6.4: v_xc = β(r_s) v_x, β = 1 + B r_s ln(1 + A/r_s), A = 21, B = 0.0368 (Ry units
      // cancel in the ratio). Energy density from integrating v_xc (ε = ε_x − (C/2)[(1+x³)ln(1+1/x) + x/2 − x² − 1/3],
      // x = r_s/21, C = 0.045 Ry = 0.0225 Ha).
      // (v_c = −C ln(1 + 21/r_s) ≈ 0.0368 r_s ln(1 + 21/r_s) · v_x to 0.1 %.)
      const xx = rs / 21;
      const ec = -0.0225 * ((1 + xx ** 3) * Math.log(1 + 1 / xx) + xx / 2 - xx * xx - THIRD);
      return { exc: ex + ec, vxc: vx - 0.0225 * Math.log(1 + 1 / xx) };
    }
    case 'von-barth-hedin': {
      const xx = rs / 30;
      const ec = -0.0252 * ((1 + xx ** 3) * Math.log(1 + 1 / xx) + xx / 2 - xx * xx - THIRD);
      return { exc: ex + ec, vxc: vx - 0.0252 * Math.log(1 + 1 / xx) };
    }
    case 'none':
      return { exc: ex, vxc: vx };
  }
}

/**
 * Relativistic correction to LDA exchange (MacDonald & Vosko, J. Phys. C 12, 2977 (1979); the form used by the NIST
 * RLDA and ScRLDA atomic reference data, Kotochigova et al., PRA 55, 191 (1997), "Relativistic corrections to the
 * energy-density functional"): with β = ħk_F/(mc) = (3π²n)^{1/3}/c, η = √(1 + β²),
 *   ε_x^R = ε_x Φ(β),     Φ(β) = 1 − (3/2)[(βη − arsinh β)/β²]²,
 *   v_x^R = v_x Ψ(β),     Ψ(β) = −1/2 + (3/2) arsinh β / (βη),
 * where Ψ = Φ + (β/4)Φ′ follows from v_x = d(nε_x)/dn with β ∝ n^{1/3}. Small β: Φ ≈ 1 − (2/3)β², Ψ ≈ 1 − β².
 * Returns the additive corrections (Ha) to ε_xc and v_xc at density n (electrons/bohr³); c in atomic units.
 */
export function relativisticExchangeCorrection(n: number, c: number): XcPoint {
  if (!(n > 1e-30)) return { exc: 0, vxc: 0 };
  const ex = -0.75 * ((3 * n) / Math.PI) ** THIRD;
  const vx = (4 / 3) * ex;
  const beta = (3 * Math.PI * Math.PI * n) ** THIRD / c;
  const eta = Math.sqrt(1 + beta * beta);
  const ash = Math.asinh(beta);
  // (βη − arsinh β)/β² = (2/3)β − (1/5)β³ + … (series below β = 1e−2 avoids cancellation)
  const a = beta < 1e-2 ? (2 / 3) * beta - 0.2 * beta ** 3 : (beta * eta - ash) / (beta * beta);
  const phi = 1 - 1.5 * a * a;
  const psi = beta < 1e-4 ? 1 - beta * beta : -0.5 + (1.5 * ash) / (beta * eta);
  return { exc: ex * (phi - 1), vxc: vx * (psi - 1) };
}
