// Spectrum file formats: XDI, Athena projects, EMSA/MSA, DigitalMicrograph DM3/DM4, CSV/TSV/JSON columns, and
// the dispatcher that also routes FEFF and FDMNES outputs. Each format: a file-faithful parse, then a mapping.
export type { Read, SpectrumFile } from './common.js';
export { MAX_TEXT_BYTES, orderedSpectrum, parseNumber } from './common.js';
export * from './xdi.js';
export * from './athena.js';
export * from './perl-data.js';
export * from './msa.js';
export * from './dm-tags.js';
export * from './dm.js';
export * from './columns.js';
export * from './json.js';
export * from './read.js';
