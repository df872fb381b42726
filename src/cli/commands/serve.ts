import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { CampaignReader } from '../../dataset/browse.js';
import { isLoopback, startServer } from '../../web/index.js';
import { makeOutput, numberOption } from '../context.js';

/**
 * `specfuse serve [--port 8080] [--host 127.0.0.1] [--db FILE] [--models DIR] [--max-upload-mb 64]`: the local web
 * app. Without --db / --models, the main job's results/campaign.duckdb and results/models/ are used when present.
 * Binds to loopback unless --host says otherwise (then warns: the API reads uploaded files and runs models).
 */
export function register(program: Command): void {
  program
    .command('serve')
    .description('start the local web app (analyze spectra, maps, dataset browser, model evaluation)')
    .option('--port <n>', 'TCP port (default 8080; 0 = any free port)')
    .option('--host <addr>', 'interface to bind (default 127.0.0.1: this computer only)')
    .option('--db <file>', 'campaign database (.duckdb), opened read-only (default results/campaign.duckdb)')
    .option('--models <dir>', 'folder of .sfm models (default results/models)')
    .option('--static <dir>', 'built web app folder (default <specfuse>/dist-web)')
    .option('--max-upload-mb <n>', 'largest upload per request in MiB (default 64)')
    .option('--json', 'print the URL as a JSON document')
    .action(
      async (o: {
        port?: string;
        host?: string;
        db?: string;
        models?: string;
        static?: string;
        maxUploadMb?: string;
        json?: boolean;
      }) => {
        const out = makeOutput(Boolean(o.json));
        const port = numberOption(o.port, 'port', { min: 0, max: 65535, integer: true }) ?? 8080;
        const mb = numberOption(o.maxUploadMb, 'max-upload-mb', { min: 0.001, max: 4096 }) ?? 64;
        const host = o.host ?? '127.0.0.1';
        const db = o.db ?? (existsSync('results/campaign.duckdb') ? 'results/campaign.duckdb' : undefined);
        const models = o.models ?? (existsSync('results/models') ? 'results/models' : undefined);
        if (o.db !== undefined && !existsSync(o.db))
          throw new SpecfuseError('not-found', 'no such campaign database', { file: o.db, field: 'db' });
        if (o.models !== undefined && !existsSync(o.models))
          throw new SpecfuseError('not-found', 'no such models folder', { file: o.models, field: 'models' });
        if (db !== undefined) {
          // probe once: a campaign still running holds the file; the server starts anyway and retries per request
          try {
            (await CampaignReader.open(resolve(db))).close();
          } catch (e) {
            if (!(e instanceof SpecfuseError && /locked/.test(e.message))) throw e;
            process.stderr.write(
              `specfuse: warning: ${e.message.split('\n')[0]}; the Dataset page answers 503 until the campaign releases it\n`,
            );
          }
        }
        if (!isLoopback(host))
          process.stderr.write(
            `specfuse: warning: listening on ${host}, not only this computer: anyone who can reach it may upload files and run models\n`,
          );
        const s = await startServer({
          port,
          host,
          ...(db !== undefined ? { db: resolve(db) } : {}),
          ...(models !== undefined ? { models: resolve(models) } : {}),
          ...(o.static !== undefined ? { staticDir: resolve(o.static) } : {}),
          maxUploadBytes: Math.round(mb * 1024 * 1024),
        });
        out.result(
          { url: s.url, port: s.port, db: db ?? null, models: models ?? null },
          `specfuse web app at ${s.url}  (db: ${db ?? 'none'}, models: ${models ?? 'none'}; Ctrl-C stops it)`,
        );
        const stop = () => {
          void s.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );
}
