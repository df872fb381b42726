// Public API of the pipeline layer (the end-to-end study: campaign → training → evaluation → report): named exports only.
export {};
