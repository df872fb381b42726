// Public API of the core layer: named exports only.
export * from './errors.js';
export * from './elements.js';
export * from './units.js';
export * from './progress.js';
export * from './version.js';
export type { ElementRecord, EdgeRecord } from './physical-tables.js';
export * from './bond-valence.js';
