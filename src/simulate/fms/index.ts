// Built-in K-edge XANES by real-space full multiple scattering (issue 5).
export * from './compare.js';
export * from './engine.js';
export * from './harmonics.js';
export * from './propagator.js';
export * from './site.js';
