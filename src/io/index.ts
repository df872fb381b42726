// Public API of the io layer: named exports only.
export {};
