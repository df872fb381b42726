// Public API of the spectrum layer: named exports only.
export type * from './types.js';
