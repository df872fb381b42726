import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SpecfuseError } from '../../core/errors.js';
import type { TaskContext } from '../../core/progress.js';

/** What `detect()` reports about an external program. Absent programs are data, never an exception. */
export interface ToolInfo {
  /** Engine name: 'feff', 'fdmnes', 'xspectra'. */
  readonly name: string;
  readonly installed: boolean;
  readonly version?: string;
  /** Absolute path of the executable found (the first program of the engine). */
  readonly path?: string;
  /** Every executable the engine needs and where it was found. */
  readonly programs: Readonly<Record<string, string | null>>;
  /** Why it is absent or limited, and how to install it. */
  readonly note?: string;
}

/** First executable named `name` on PATH (or `name` itself when it is a path), without a shell. */
export function which(name: string, pathEnv = process.env.PATH ?? ''): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : pathEnv
        .split(delimiter)
        .filter((d) => d !== '')
        .map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Run a program briefly (version probes): stdout+stderr text, or undefined if it could not start. */
export function probe(
  cmd: string,
  args: readonly string[],
  cwd: string,
  timeoutMs = 20_000,
): string | undefined {
  const r = spawnSync(cmd, args, { cwd, input: '', encoding: 'utf8', timeout: timeoutMs });
  if (r.error) return undefined;
  return `${r.stdout ?? ''}${r.stderr ?? ''}`;
}

export interface RunResult {
  readonly program: string;
  readonly exitCode: number;
  readonly wallSeconds: number;
  /** Log file (stdout and stderr) inside the run directory. */
  readonly log: string;
}

/**
 * Run `cmd args` in `dir` (no shell), stdin from `stdinFile` (relative to dir) if given, stdout+stderr to `logName`.
 * Cancels on ctx.signal (SIGTERM to the process group of the child we started). A non-zero exit is an `engine`
 * error naming the log.
 */
export function runProgram(
  cmd: string,
  args: readonly string[],
  dir: string,
  logName: string,
  ctx?: TaskContext,
  stdinFile?: string,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const chunks: Buffer[] = [];
    // Own process group, so cancelling also stops the helpers a driver starts (feff8l runs feff8l_pot, …).
    const child = spawn(cmd, args, {
      cwd: dir,
      stdio: [stdinFile ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (stdinFile && child.stdin) createReadStream(join(dir, stdinFile)).pipe(child.stdin);
    child.stdout?.on('data', (d: Buffer) => chunks.push(d));
    child.stderr?.on('data', (d: Buffer) => chunks.push(d));
    const onAbort = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    };
    if (ctx?.signal?.aborted) onAbort();
    ctx?.signal?.addEventListener('abort', onAbort, { once: true });
    let failedToStart = false;
    child.on('error', (e) => {
      failedToStart = true;
      ctx?.signal?.removeEventListener('abort', onAbort);
      reject(
        new SpecfuseError('engine', `could not start ${cmd}: ${e.message}`, { field: cmd }, { cause: e }),
      );
    });
    child.on('close', (code, sig) => {
      ctx?.signal?.removeEventListener('abort', onAbort);
      if (failedToStart) return;
      const log = join(dir, logName);
      writeFileSync(log, Buffer.concat(chunks));
      const wallSeconds = (performance.now() - t0) / 1000;
      if (ctx?.signal?.aborted) {
        reject(new SpecfuseError('engine', `${cmd} cancelled`, { file: log }));
        return;
      }
      if (code !== 0) {
        const tail = Buffer.concat(chunks).toString('utf8').trim().split('\n').slice(-3).join(' | ');
        reject(
          new SpecfuseError('engine', `${cmd} exited with ${code ?? sig} (see ${log}): ${tail}`, {
            file: log,
          }),
        );
        return;
      }
      resolve({ program: cmd, exitCode: 0, wallSeconds, log });
    });
  });
}

/** Files an adapter writes: name (relative to the run directory) → content. */
export type InputFiles = Readonly<Record<string, string>>;

/**
 * Write input files into `dir` (created if needed). Never overwrites: an existing file of the same name is an `io`
 * error unless `overwrite` is set (runs in fresh temporary directories never hit this).
 */
export function writeInputFiles(dir: string, files: InputFiles, overwrite = false): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const name of Object.keys(files)) {
    const p = join(dir, name);
    if (!overwrite && existsSync(p))
      throw new SpecfuseError('io', `refusing to overwrite existing ${p}`, { file: p });
  }
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    writeFileSync(p, content);
    written.push(p);
  }
  return written;
}
