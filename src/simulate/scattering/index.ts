// Built-in scattering physics (issue 4): atoms, muffin tins, self-energy, phase shifts, μ0, single scattering.
export * from './atom.js';
export * from './free-atom.js';
export * from './mu0.js';
export * from './muffin-tin.js';
export * from './phase-shifts.js';
export * from './pipeline.js';
export * from './radial.js';
export * from './self-energy.js';
export * from './single-scattering.js';
export * from './xc.js';
