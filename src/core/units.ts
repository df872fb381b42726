/**
 * Physical constants (CODATA 2018) and unit conversions. Energies in eV, lengths in Å unless a name says otherwise.
 */
export const HARTREE_EV = 27.211386245988;
export const RYDBERG_EV = HARTREE_EV / 2;
export const BOHR_ANGSTROM = 0.529177210903;
/** ħ²/(2mₑ) in eV·Å²: E = ħ²k²/2m ⇒ k(Å⁻¹) = sqrt(E/HBAR2_2M). */
export const HBAR2_OVER_2M_EV_A2 = 3.8099821161;
export const BOLTZMANN_EV_K = 8.617333262e-5;
export const ELECTRON_MASS_KEV = 510.99895;
export const FINE_STRUCTURE = 7.2973525693e-3;

/** Photoelectron wavenumber k (Å⁻¹) for kinetic energy E − E0 (eV); negative below E0 (EXAFS convention). */
export function energyToK(eMinusE0: number): number {
  return Math.sign(eMinusE0) * Math.sqrt(Math.abs(eMinusE0) / HBAR2_OVER_2M_EV_A2);
}

export function kToEnergy(k: number): number {
  return HBAR2_OVER_2M_EV_A2 * k * k;
}

/** Gaussian FWHM = 2·sqrt(2 ln 2)·σ. */
export const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);
