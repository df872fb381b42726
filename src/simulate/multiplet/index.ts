// Charge-transfer multiplet L2,3 engine (Mn, Co, Ni).
export { ION_TABLE, DEFAULT_SLATER_SCALE, type IonData } from './atomic-data.js';
export { ION_DEFAULTS, type IonDefaults } from './defaults.js';
export {
  computeSticks,
  groundLevels,
  initialLevels,
  type ChargeTransfer,
  type MultipletModel,
  type Sticks,
} from './calculation.js';
export { crystalFieldD4h, aomMatrix, REAL_D_ORBITALS } from './hamiltonian.js';
export {
  ionSpectrum,
  parseIon,
  resolveModel,
  calibrationOffset as multipletCalibrationOffset,
  octahedralHopping,
  type IonSpectrum,
  type IonSpectrumOptions,
  type CtOptions,
} from './ion.js';
export { aomCrystalField, aomHopping } from './structure-params.js';
export {
  multipletEngine,
  siteParameters,
  defaultGrid,
  MULTIPLET_VERSION,
  type MultipletEngineOptions,
  type SiteParameters,
} from './engine.js';
