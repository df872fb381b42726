import { statSync } from 'node:fs';
import { CampaignReader } from '../dataset/browse.js';
import { SpecfuseError } from '../core/errors.js';
import { WebError } from './errors.js';

/**
 * Access to the campaign database, opened read-only for each use and closed right after: a DuckDB file opened by
 * one process (even read-only) cannot be opened for writing by another, so holding it open would stop a campaign
 * from resuming while the web app runs. Uses are serialised (the queries take milliseconds). A database locked by a
 * running campaign gives 503 `database-locked` with the reason, and the next request tries again.
 */
export class DbAccess {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Modification time (ms) of the file: a cache key that changes when the campaign writes. */
  version(): number {
    try {
      return statSync(this.file).mtimeMs;
    } catch {
      return Number.NaN;
    }
  }

  use<T>(fn: (r: CampaignReader) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      let reader: CampaignReader;
      try {
        reader = await CampaignReader.open(this.file);
      } catch (e) {
        if (e instanceof SpecfuseError && /locked/.test(e.message))
          throw new WebError(503, 'database-locked', e.message, { file: this.file });
        throw e;
      }
      try {
        return await fn(reader);
      } finally {
        reader.close();
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }
}
