import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../shared.js';

/** Debian's interpreter: the only one that sees apt-installed python3-* packages (see STACK-NOTES). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/**
 * Whether Debian's Python can find a module (importlib find_spec: locates it without importing it, so the check
 * costs ~50 ms instead of the seconds larch/hyperspy take to import). Dotted names check the top-level package.
 */
const cache = new Map<string, boolean>();
export function pythonHas(module: string): boolean {
  let v = cache.get(module);
  if (v === undefined) {
    v =
      existsSync(SYSTEM_PYTHON) &&
      spawnSync(
        SYSTEM_PYTHON,
        [
          '-c',
          `import importlib.util, sys; sys.exit(importlib.util.find_spec('${module.split('.')[0]}') is None)`,
        ],
        { stdio: 'ignore', timeout: 60_000 },
      ).status === 0;
    cache.set(module, v);
  }
  return v;
}

/** Run an oracle script of this folder with a JSON request on stdin; returns its JSON answer. */
export function runOracle<T>(script: string, request: unknown): T {
  const out = execFileSync(SYSTEM_PYTHON, [join(PROJECT_ROOT, 'test', 'oracles', script)], {
    input: JSON.stringify(request),
    maxBuffer: 1 << 30,
    stdio: ['pipe', 'pipe', 'ignore'],
    env: { ...process.env, MPLBACKEND: 'Agg', PYTHONWARNINGS: 'ignore' },
  });
  return JSON.parse(out.toString('utf8')) as T;
}
