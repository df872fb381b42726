// FEFF file formats: feff.inp (read/write), xmu.dat, chi.dat, feffNNNN.dat, eels.dat, paths.dat, files.dat.
export * from './header.js';
export * from './outputs.js';
export { parseFortranNumber, readTable, type TextTable } from './table.js';
export * from './feff-inp.js';
export * from './build.js';
