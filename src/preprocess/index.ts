// Public API of the preprocess layer: named exports only.
export {};
