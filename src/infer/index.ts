// Public API of the infer layer: named exports only.
export * from './prepare.js';
export * from './predict.js';
export * from './map.js';
export * from './inputs.js';
