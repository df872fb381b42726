// Public API of the simulate layer: named exports only.
export type * from './engine.js';
export * from './registry.js';
