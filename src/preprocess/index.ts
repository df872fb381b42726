// Public API of the preprocess layer: named exports only.
export * from './align.js';
export * from './broaden.js';
export * from './eels-background.js';
export * from './eels-deconvolve.js';
export * from './eels-lowloss.js';
export * from './eels-zlp-align.js';
export * from './noise.js';
export * from './normalize.js';
export { polyfit, polyval } from './polyfit.js';
export * from './resample.js';
export { gradient, savitzkyGolay, type SavitzkyGolayOptions } from './smooth.js';
export * from './spectrum-image.js';
export * from './xas-e0.js';
export * from './xas-normalize.js';
