// Structure file formats: CIF, VASP POSCAR/CONTCAR, XYZ.
export * from './cif-syntax.js';
export * from './symop.js';
export * from './cif.js';
export * from './poscar.js';
export * from './xyz.js';
export * from './file.js';
