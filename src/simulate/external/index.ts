// External simulation programs (FEFF, FDMNES, Quantum ESPRESSO XSpectra) behind the shared Engine interface.
import { type ExternalAdapter, type InputWritingEngine, externalEngine } from './adapter.js';
import { fdmnesAdapter } from './fdmnes.js';
import { feffAdapter } from './feff.js';
import type { ToolInfo } from './tools.js';
import { xspectraAdapter } from './xspectra.js';

export * from './adapter.js';
export * from './tools.js';
export {
  feffAdapter,
  detectFeff,
  writeFeffFiles,
  parseFeffDir,
  parseFeffPathFiles,
  FEFF_DEFAULT_RADIUS,
} from './feff.js';
export {
  fdmnesAdapter,
  detectFdmnes,
  writeFdmnesFiles,
  parseFdmnesDir,
  fdmnesSettingsFor,
} from './fdmnes.js';
export {
  xspectraAdapter,
  detectXspectra,
  writeXspectraFiles,
  parseXspectraDir,
  supercellForSeparation,
} from './xspectra.js';

export const EXTERNAL_ADAPTERS: readonly ExternalAdapter[] = [feffAdapter, fdmnesAdapter, xspectraAdapter];

export const feffEngine = (): InputWritingEngine => externalEngine(feffAdapter);
export const fdmnesEngine = (): InputWritingEngine => externalEngine(fdmnesAdapter);
export const xspectraEngine = (): InputWritingEngine => externalEngine(xspectraAdapter);

/** What is installed: one ToolInfo per external engine (never throws). */
export function detectExternalEngines(): ToolInfo[] {
  return EXTERNAL_ADAPTERS.map((a) => a.detect());
}
