// FDMNES file formats: input decks (read/write, seed-paper defaults), raw and convoluted spectrum outputs.
export * from './deck.js';
export * from './build.js';
export * from './outputs.js';
