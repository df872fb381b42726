// Public API of the infer layer: named exports only.
export {};
