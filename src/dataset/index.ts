// Public API of the dataset layer: named exports only.
export {};
