// Public API of the ml layer: named exports only.
export {};
