// Public API of the simulate layer: named exports only.
export type * from './engine.js';
export * from './registry.js';
export * from './multiplet/index.js';
export * from './external/index.js';
export * from './scattering/index.js';
export * from './fms/index.js';
