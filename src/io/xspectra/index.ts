// Quantum ESPRESSO XSpectra formats: pw.x / xspectra.x inputs, xanes.dat, core wavefunction from a UPF.
export * from './inputs.js';
export * from './outputs.js';
