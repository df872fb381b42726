/**
 * From a site's local structure to multiplet parameters.
 *
 * Crystal field by the angular-overlap model (Schäffer & Jørgensen 1965; Larsen & La Mar 1974) over the actual
 * metal→O vectors. Each ligand contributes e_σ(r) = e_σ⁰ (r0/r)⁵ and e_π = e_σ/4: the r⁻⁵ law is the
 * point-charge / ligand-field distance dependence of 10Dq confirmed under pressure (Drickamer & Frank,
 * *Electronic Transitions and the High Pressure Chemistry and Physics of Solids* (1973); Moreno et al.,
 * J. Phys.: Condens. Matter 4, 9481 (1992)); e_π/e_σ ≈ ¼ is the usual oxide ratio (Lever, *Inorganic Electronic
 * Spectroscopy* (1984) §9). With e_π = e_σ/4, 10Dq = 3e_σ − 4e_π = 2e_σ, so e_σ⁰ = 10Dq_ref/2 reproduces the
 * ion's reference 10Dq for a regular octahedron at r0.
 *
 * Hybridisation (charge transfer): the same angular factors with V_σ(r) = (V_eg/√3)(r0/r)^{7/2} and
 * V_π(r) = (V_t2g/2)(r0/r)^{7/2} (Harrison's d–p scaling, *Electronic Structure* (1980) eq. 20-7), summed into
 * M = Σ_L V_σ² F_σF_σᵀ + V_π² Π and T = M^{1/2}: the hopping to the ligand combination of each d symmetry.
 * Regular octahedron at r0: T = V_eg on eg, V_t2g on t2g.
 */
import { type AomLigand, aomMatrix, sqrtPsd, traceless } from './hamiltonian.js';

export interface LigandVector {
  /** Metal → ligand vector (Å). */
  readonly vector: readonly [number, number, number];
  readonly distance: number;
}

export const AOM_PI_RATIO = 0.25;
export const CF_DISTANCE_EXPONENT = 5;
export const HOPPING_DISTANCE_EXPONENT = 3.5;

/** Real 5×5 crystal-field matrix (traceless) for the given ligands. */
export function aomCrystalField(
  ligands: readonly LigandVector[],
  tenDqRef: number,
  r0: number,
): Float64Array {
  const eSigma0 = tenDqRef / (3 - 4 * AOM_PI_RATIO);
  const list: AomLigand[] = ligands.map((l) => {
    const es = eSigma0 * (r0 / l.distance) ** CF_DISTANCE_EXPONENT;
    return { direction: l.vector as [number, number, number], eSigma: es, ePi: AOM_PI_RATIO * es };
  });
  return traceless(aomMatrix(list));
}

/** Real 5×5 hopping matrix T = M^{1/2} for the given ligands. */
export function aomHopping(
  ligands: readonly LigandVector[],
  veg: number,
  vt2g: number,
  r0: number,
): Float64Array {
  const list: AomLigand[] = ligands.map((l) => {
    const f = (r0 / l.distance) ** HOPPING_DISTANCE_EXPONENT;
    return {
      direction: l.vector as [number, number, number],
      eSigma: (veg / Math.sqrt(3)) ** 2 * f * f,
      ePi: (vt2g / 2) ** 2 * f * f,
    };
  });
  return sqrtPsd(aomMatrix(list));
}
