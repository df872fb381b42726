/**
 * Default model parameters per ion, each with its source. Energies in eV, distances in Å.
 *
 * Crystal field (ligand-field model): 10Dq of the octahedral oxide (de Groot et al., PRB 42, 5459 (1990), Fig. 3–6
 * fits and sec. IV; de Groot & Kotani 2008 ch. 4 tables; `shared/reference/multiplet-parameters.md`): Mn²⁺ 0.9
 * (MnO), Mn³⁺ 1.8, Mn⁴⁺ 2.4 (MnO₂/Li₂MnO₃), Co²⁺ 0.9 (CoO), Co³⁺ 2.4 (LiCoO₂, low spin; the ⁵T2g–¹A1g crossing of the default model lies at 2.17), Co⁴⁺ 2.4, Ni²⁺ 1.2
 * (NiO ~1.1–1.5), Ni³⁺ 1.8, Ni⁴⁺ 2.4.
 *
 * Charge transfer (cluster model): NiO from Haverkort et al., PRB 85, 165113 (2012) (Δ = 4.7, Udd = 7.3,
 * Upd = 8.5, V_eg = 2.1 (their T_eg), ionic 10Dq = 0.56). The other ions use representative values of the
 * cluster-model analyses of 2p photoemission of 3d oxides (Bocquet et al., PRB 53, 1161 (1996); Zaanen, Sawatzky
 * & Allen, PRL 55, 418 (1985) trends): Δ falls by ~2–3 eV per unit of valence and becomes negative for Ni³⁺,
 * Ni⁴⁺ and Co⁴⁺ (Mizokawa et al., PRB 61, 11263 (2000) for NdNiO₃; Kuiper et al., PRL 62, 221 (1989) for
 * LiₓNi₁₋ₓO); Udd ≈ 0.85·Upd; V_eg rises with valence (shorter bonds). V_t2g = V_eg/2 from Harrison's
 * (pdπ)/(pdσ) = −√3/4 with V_eg = √3|pdσ|, V_t2g = 2|pdπ| (Harrison, *Electronic Structure and the Properties of
 * Solids* (1980), Table 20-1).
 *
 * The ionic 10Dq of Co³⁺ (1.8), Co⁴⁺ (2.8) and Ni⁴⁺ (2.0) is chosen so that the cluster ground state is low spin, as observed
 * for delithiated LiCoO₂ and for NiO₂ (Koyama et al. 2005); with less the 3d⁵/3d⁶L̲ ground state turns high spin.
 *
 * Reference metal–oxygen distance r0 at which the tabulated 10Dq and V hold: Shannon ionic radii (Acta Cryst. A32,
 * 751 (1976)) r(M, VI) + r(O²⁻, 1.40 Å).
 *
 * Absolute energy calibration: the maximum of the computed L3 white line of the default octahedral ion is put at the
 * measured L3 maximum of a reference oxide: Mn²⁺ 640.1 (MnO), Mn³⁺ 641.7 (Mn₂O₃), Mn⁴⁺ 643.0 (MnO₂) — Tan et al.,
 * Ultramicroscopy 116, 24 (2012) and de Groot et al. 1990; Co²⁺ 777.9 (CoO), Co³⁺ 779.8 (LiCoO₂), Co⁴⁺ 781.0 —
 * van Elp et al., PRB 44, 6090 (1991); Ni²⁺ 853.2 (NiO), Ni³⁺ 855.0 (LiNiO₂), Ni⁴⁺ 855.8 (NiO₂) — Koyama et al.,
 * J. Phys. Chem. B 109, 10749 (2005). Uncertainty ±0.3 eV (spread between instruments).
 */

export interface IonDefaults {
  readonly tenDq: number;
  readonly r0: number;
  readonly l3Peak: number;
  readonly ct: {
    readonly delta: number;
    readonly udd: number;
    readonly upd: number;
    readonly veg: number;
    readonly vt2g: number;
    /** Ionic 10Dq to use together with charge transfer (the covalent part comes from V). */
    readonly tenDqIonic: number;
    readonly maxLigandHoles: number;
  };
  /** Whether the engine uses charge transfer by default (strongly covalent or negative-Δ ions, or cheap). */
  readonly defaultCt: boolean;
}

function d(
  tenDq: number,
  r0: number,
  l3Peak: number,
  ct: [number, number, number, number, number, number],
  defaultCt: boolean,
): IonDefaults {
  return {
    tenDq,
    r0,
    l3Peak,
    ct: {
      delta: ct[0],
      udd: ct[1],
      upd: ct[2],
      veg: ct[3],
      vt2g: ct[3] / 2,
      tenDqIonic: ct[4],
      maxLigandHoles: ct[5],
    },
    defaultCt,
  };
}

// ct: [Δ, Udd, Upd, V_eg, ionic 10Dq, max ligand holes]
export const ION_DEFAULTS: Readonly<Record<string, IonDefaults>> = {
  'Mn2+': d(0.9, 2.23, 640.1, [7.0, 6.5, 7.5, 2.0, 0.5, 1], false),
  'Mn3+': d(1.8, 2.045, 641.7, [4.5, 6.5, 7.5, 2.4, 1.0, 1], false),
  'Mn4+': d(2.4, 1.93, 643.0, [2.5, 6.5, 7.5, 2.7, 1.2, 1], false),
  'Co2+': d(0.9, 2.145, 777.9, [6.0, 6.5, 7.5, 2.1, 0.6, 1], false),
  'Co3+': d(2.4, 1.945, 779.8, [3.0, 6.5, 7.5, 2.6, 1.8, 1], false),
  'Co4+': d(2.4, 1.93, 781.0, [-1.0, 6.5, 7.5, 2.8, 2.8, 1], true),
  'Ni2+': d(1.2, 2.09, 853.2, [4.7, 7.3, 8.5, 2.1, 0.56, 2], true),
  'Ni3+': d(1.8, 1.96, 855.0, [-0.5, 7.3, 8.5, 2.5, 0.8, 2], true),
  'Ni4+': d(2.4, 1.88, 855.8, [-2.5, 7.3, 8.5, 2.8, 2.0, 1], true),
};
