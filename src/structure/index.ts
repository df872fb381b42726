// Public API of the structure layer: named exports only.
export type * from './types.js';
