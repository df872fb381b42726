import { SpecfuseError } from '../core/errors.js';
import type { Engine } from './engine.js';
import { multipletEngine } from './multiplet/engine.js';
import { fmsEngine } from './fms/engine.js';
import { fdmnesEngine, feffEngine, xspectraEngine } from './external/index.js';

/**
 * Every engine specfuse knows, built-in and external, behind the one `Engine` interface.
 * Add an engine with one line in `factories`.
 */
const factories: Record<string, () => Engine> = {
  multiplet: multipletEngine,
  fms: fmsEngine,
  feff: feffEngine,
  fdmnes: fdmnesEngine,
  xspectra: xspectraEngine,
};

export function engineNames(): string[] {
  return Object.keys(factories);
}

export function getEngine(name: string): Engine {
  const f = factories[name];
  if (!f) {
    throw new SpecfuseError(
      'not-found',
      `unknown engine '${name}' (known: ${engineNames().join(', ') || 'none'})`,
      {
        field: 'engine',
      },
    );
  }
  return f();
}
