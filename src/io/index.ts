// Public API of the io layer: named exports only.
export * from './spectra/index.js';
export * from './structure/index.js';
export * from './plot/index.js';
export * from './feff/index.js';
export * from './fdmnes/index.js';
export * from './xspectra/index.js';
