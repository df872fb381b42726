import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type SfmModel, loadModelFile } from '../ml/model-file.js';
import { WebError } from './errors.js';

/**
 * The models folder: every `<id>.sfm` file whose id is made of [A-Za-z0-9._-] (anything else is never listed and
 * never opened). Loaded lazily and cached by modification time, so a retrained model is picked up on the next call.
 */
export const MODEL_ID = /^[A-Za-z0-9._-]{1,128}$/;

export interface ModelEntry {
  readonly id: string;
  readonly file: string;
  readonly model: SfmModel;
}

export interface ModelSummary {
  readonly id: string;
  readonly name: string;
  readonly modes: readonly string[];
  readonly targets: readonly { name: string; task: 'regression' | 'classification' }[];
  readonly trainedOn?: number;
}

/** Human name of a model: its study and the modes it fuses. */
export function modelName(id: string, m: SfmModel): string {
  const study = typeof m.provenance?.study === 'string' ? ` (${m.provenance.study})` : '';
  const kind = m.modes.length > 1 ? `${m.modes.length}-mode fusion` : 'single mode';
  return `${id}: ${kind} ${m.modes.join(' + ')}${study}`;
}

export class ModelRegistry {
  private readonly cache = new Map<string, { mtimeMs: number; model: SfmModel }>();
  readonly dir: string | undefined;

  constructor(dir: string | undefined) {
    this.dir = dir === undefined ? undefined : resolve(dir);
  }

  /** Model ids in the folder, sorted. */
  ids(): string[] {
    if (!this.dir) return [];
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.sfm'))
      .map((n) => n.slice(0, -4))
      .filter((id) => MODEL_ID.test(id) && !id.startsWith('.'))
      .filter((id) => {
        try {
          return statSync(join(this.dir as string, `${id}.sfm`)).isFile();
        } catch {
          return false;
        }
      })
      .sort();
  }

  /** Load one model by id (400 for an invalid id, 404 when absent). */
  get(id: string): ModelEntry {
    if (!MODEL_ID.test(id) || id.startsWith('.'))
      throw new WebError(400, 'invalid-model-id', 'model ids contain only letters, digits, . _ and -', {
        field: 'model',
      });
    if (!this.dir || !this.ids().includes(id))
      throw new WebError(404, 'no-such-model', `no model '${id}'`, { field: 'model' });
    const file = join(this.dir, `${id}.sfm`);
    const mtimeMs = statSync(file).mtimeMs;
    const hit = this.cache.get(id);
    if (hit && hit.mtimeMs === mtimeMs) return { id, file, model: hit.model };
    const model = loadModelFile(file);
    this.cache.set(id, { mtimeMs, model });
    return { id, file, model };
  }

  /** Every loadable model (unreadable files are skipped and reported). */
  all(): { entries: ModelEntry[]; problems: string[] } {
    const entries: ModelEntry[] = [];
    const problems: string[] = [];
    for (const id of this.ids())
      try {
        entries.push(this.get(id));
      } catch (e) {
        problems.push(`${id}: ${(e as Error).message}`);
      }
    return { entries, problems };
  }

  summary(e: ModelEntry): ModelSummary {
    return {
      id: e.id,
      name: modelName(e.id, e.model),
      modes: e.model.modes,
      targets: e.model.targets.map((t) => ({ name: t.target, task: t.task })),
      trainedOn: e.model.trainSize,
    };
  }

  /**
   * Models in the order they are tried when the client names none: the all-mode fusion (`fused-all`) first, then
   * by decreasing number of modes (more evidence first), then by id.
   */
  preferenceOrder(): ModelEntry[] {
    const { entries } = this.all();
    return entries.sort((a, b) => {
      const fa = a.id === 'fused-all' ? 0 : 1;
      const fb = b.id === 'fused-all' ? 0 : 1;
      if (fa !== fb) return fa - fb;
      if (a.model.modes.length !== b.model.modes.length) return b.model.modes.length - a.model.modes.length;
      return a.id.localeCompare(b.id);
    });
  }
}
