// Public API of the structure layer: named exports only.
export type * from './types.js';
export * from './lattice.js';
export * from './structure.js';
export * from './neighbors.js';
export * from './environment.js';
export * from './symmetry.js';
export * from './nmc.js';
