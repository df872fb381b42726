// Public API of the spectrum layer: named exports only.
export type * from './types.js';
export type { SpectrumImageInit } from './spectrum.js';
export {
  imageEnergyAxis,
  makeBundle,
  makeSpectrum,
  makeSpectrumImage,
  modeKey,
  pixelCount,
  pixelSpectrum,
} from './spectrum.js';
