// specfuse library API: named exports only, layer by layer (see README "Layer map").
export * from './math/index.js';
export * from './core/index.js';
export * from './structure/index.js';
export * from './spectrum/index.js';
export * from './io/index.js';
export * from './preprocess/index.js';
export * from './simulate/index.js';
export * from './dataset/index.js';
export * from './ml/index.js';
export * from './infer/index.js';
export * from './pipeline/index.js';
