// Public API of the math layer: named exports only.
export * from './eigen.js';
export * from './sparse.js';
export * from './lanczos.js';
export * from './complex.js';
export * from './special.js';
export * from './radial-grid.js';
export * from './complex-lu.js';
export * from './complex-lu-blocked.js';
export * from './lapack.js';
export * from './quadrature.js';
export * from './dense-solve.js';
