import type { FastifyInstance } from 'fastify';
import { datasetSummary, listStructures, structureDetail, structureSpectra } from '../dataset/browse.js';
import { WebError } from './errors.js';
import {
  datasetSchema,
  jsonNumbers,
  listQuerySchema,
  structureDetailSchema,
  structureListSchema,
  structureSpectraSchema,
} from './schemas.js';
import { type ServerContext, sendJson } from './server.js';

/**
 * The Dataset page's API: read-only views of the campaign database (src/dataset/browse.ts). Structure ids are made by
 * src/dataset/plan.ts from the composition and defect-class names, which may contain '+' (class `ovac+antisite`);
 * ids are only ever used as bound SQL parameters, never as paths.
 */
const STRUCTURE_ID = /^[A-Za-z0-9._+-]{1,128}$/;

function dbOf(ctx: ServerContext) {
  if (!ctx.db) throw new WebError(404, 'no-database', 'no campaign database (start with --db FILE)');
  return ctx.db;
}

function structureId(params: unknown): string {
  const id = (params as { id?: unknown }).id;
  if (typeof id !== 'string' || !STRUCTURE_ID.test(id))
    throw new WebError(
      400,
      'invalid-structure-id',
      'structure ids contain only letters, digits, . _ + and -',
      {
        field: 'id',
      },
    );
  return id;
}

export function registerDatasetRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/dataset', async (_req, reply) =>
    sendJson(reply, datasetSchema, await dbOf(ctx).use((db) => datasetSummary(db))),
  );
  app.get('/api/dataset/structures', async (req, reply) => {
    const q = listQuerySchema.safeParse(req.query);
    if (!q.success) {
      const issue = q.error.issues[0];
      const field = String(issue?.path[0] ?? '');
      throw new WebError(400, 'invalid-query', `${field}: ${issue?.message ?? 'invalid'}`, { field });
    }
    return sendJson(reply, structureListSchema, await dbOf(ctx).use((db) => listStructures(db, q.data)));
  });
  app.get('/api/dataset/structures/:id', async (req, reply) => {
    const id = structureId(req.params);
    const d = await dbOf(ctx).use((db) => structureDetail(db, id));
    if (!d) throw new WebError(404, 'no-such-structure', `no structure '${id}'`);
    return sendJson(reply, structureDetailSchema, d);
  });
  app.get('/api/dataset/structures/:id/spectra', async (req, reply) => {
    const id = structureId(req.params);
    const modes = await dbOf(ctx).use(async (db) => {
      const n = await db.rows('SELECT count(*) AS n FROM structures WHERE id = $id', { id });
      if (Number(n[0]?.n ?? 0) === 0) throw new WebError(404, 'no-such-structure', `no structure '${id}'`);
      return structureSpectra(db, id);
    });
    return sendJson(reply, structureSpectraSchema, {
      modes: modes.map((m) => ({
        mode: m.mode,
        energy: Array.from(m.energy),
        intensity: jsonNumbers(m.intensity),
      })),
    });
  });
}
