// Public API of the dataset layer: named exports only.
export * from './config.js';
export * from './plan.js';
export * from './labels.js';
export * from './db.js';
export * from './job.js';
export * from './build.js';
export * from './runner.js';
export * from './slurm.js';
export * from './export.js';
