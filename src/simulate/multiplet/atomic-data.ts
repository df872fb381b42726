/**
 * Hartree–Fock radial parameters (eV, unscaled) for 2p XAS of 3d transition-metal ions.
 *
 * Source: Cowan-code (HF, relativistic corrections) values as tabulated for 2p absorption by F. de Groot and
 * A. Kotani, *Core Level Spectroscopy of Solids* (CRC Press, 2008), Tables of atomic parameters (ch. 4), and
 * F. M. F. de Groot, J. C. Fuggle, B. T. Thole, G. A. Sawatzky, Phys. Rev. B 42, 5459 (1990), Table I;
 * cross-checked against specfuse's `shared/reference/multiplet-parameters.md`.
 * Initial state 2p⁶3dⁿ: F²dd, F⁴dd, ζ3d. Final state 2p⁵3dⁿ⁺¹: F²dd, F⁴dd, F²pd, G¹pd, G³pd, ζ3d, ζ2p.
 *
 * Notes on two entries:
 * - Ni²⁺ final state 3d⁹ has a single d hole, so its F²dd, F⁴dd only enter through the configuration average; the
 *   initial-state values are used.
 * - Ni⁴⁺ final-state F⁴dd is misprinted as 8.399 in one tabulation (it breaks the F⁴/F² ≈ 0.627 ratio of every
 *   other entry); we use 0.627·F² = 9.384.
 *
 * Slater integrals are scaled to 80 % by default (`DEFAULT_SLATER_SCALE`) to mimic intra-atomic configuration
 * interaction and screening (Cowan 1981 §16-2; de Groot et al. 1990 sec. II); spin–orbit constants are not scaled.
 */

export interface SlaterSet {
  readonly F2dd: number;
  readonly F4dd: number;
  readonly zeta3d: number;
}
export interface FinalSlaterSet extends SlaterSet {
  readonly F2pd: number;
  readonly G1pd: number;
  readonly G3pd: number;
  readonly zeta2p: number;
}
export interface IonData {
  readonly element: 'Mn' | 'Co' | 'Ni';
  readonly valence: number;
  /** Number of 3d electrons in the ionic ground configuration. */
  readonly nd: number;
  readonly initial: SlaterSet;
  readonly final: FinalSlaterSet;
}

export const DEFAULT_SLATER_SCALE = 0.8;

function ion(
  element: IonData['element'],
  valence: number,
  nd: number,
  i: [number, number, number],
  f: [number, number, number, number, number, number, number],
): IonData {
  return {
    element,
    valence,
    nd,
    initial: { F2dd: i[0], F4dd: i[1], zeta3d: i[2] },
    final: { F2dd: f[0], F4dd: f[1], F2pd: f[2], G1pd: f[3], G3pd: f[4], zeta3d: f[5], zeta2p: f[6] },
  };
}

/** Keyed 'Mn2+', 'Co3+', … */
export const ION_TABLE: Readonly<Record<string, IonData>> = {
  'Mn2+': ion('Mn', 2, 5, [10.316, 6.414, 0.04], [11.155, 6.943, 6.321, 4.606, 2.618, 0.053, 6.846]),
  'Mn3+': ion('Mn', 3, 4, [11.415, 7.148, 0.046], [12.21, 7.649, 6.988, 5.179, 2.945, 0.059, 6.845]),
  'Mn4+': ion('Mn', 4, 3, [12.416, 7.82, 0.052], [13.177, 8.299, 7.658, 5.776, 3.288, 0.066, 6.845]),
  'Co2+': ion('Co', 2, 7, [11.605, 7.209, 0.066], [12.396, 7.708, 7.26, 5.397, 3.069, 0.083, 9.748]),
  'Co3+': ion('Co', 3, 6, [12.663, 7.917, 0.074], [13.422, 8.395, 7.9, 5.951, 3.386, 0.092, 9.746]),
  'Co4+': ion('Co', 4, 5, [13.639, 8.572, 0.082], [14.373, 9.034, 8.545, 6.529, 3.717, 0.101, 9.746]),
  'Ni2+': ion('Ni', 2, 8, [12.234, 7.598, 0.083], [12.234, 7.598, 7.721, 5.787, 3.291, 0.102, 11.507]),
  'Ni3+': ion('Ni', 3, 7, [13.277, 8.295, 0.091], [14.022, 8.764, 8.35, 6.332, 3.603, 0.112, 11.506]),
  'Ni4+': ion('Ni', 4, 6, [14.245, 8.944, 0.101], [14.966, 9.384, 8.985, 6.902, 3.93, 0.122, 11.505]),
};

export function ionKey(element: string, valence: number): string {
  return `${element}${valence}+`;
}
