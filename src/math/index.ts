// Public API of the math layer: named exports only.
export {};
