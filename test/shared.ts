import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Project root (the folder with package.json). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The read-only shared reference data, beside the project root (never copied into the project). */
export const SHARED = resolve(PROJECT_ROOT, '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

export function hasShared(): boolean {
  return existsSync(join(SHARED, 'data'));
}

/**
 * Whether an optional external tool (a Debian package, a native library) is present. On a developer machine a
 * missing tool skips the tests that need it; under CI (CI=true, where scripts/setup.sh installs everything) it is
 * an error, so such tests can never silently not run there.
 */
export function requireTool(name: string, present: boolean): boolean {
  if (!present && process.env.CI)
    throw new Error(`CI is missing ${name}: scripts/setup.sh should install it`);
  return present;
}
