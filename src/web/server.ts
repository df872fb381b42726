import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { z } from 'zod';
import { VERSION } from '../core/version.js';
import { existsSync as fileExists } from 'node:fs';
import { SpecfuseError } from '../core/errors.js';
import { DbAccess } from './db-access.js';
import { WebError, errorResponse, scrub } from './errors.js';
import { flattenEvaluation } from './evaluation.js';
import { ModelRegistry } from './models.js';
import { evaluationSchema, healthSchema, modelDetailSchema, modelsSchema } from './schemas.js';
import { NO_BUILD_PAGE, resolveStatic, urlSegments } from './static.js';

/**
 * The specfuse web server: the single-page app's static files and a small JSON API over the library (models,
 * evaluation, analysis of uploaded spectra, spectrum-image maps, campaign browsing). Bound to 127.0.0.1 unless the
 * caller asks otherwise. Every response is checked against its zod schema; every error is a JSON document
 * `{ error: { code, message, … } }` with server paths replaced by client-visible names.
 */
export interface ServerOptions {
  /** TCP port; 0 picks a free one (CLI default 8080). */
  readonly port?: number;
  /** Interface to bind (default 127.0.0.1, loopback only). */
  readonly host?: string;
  /** Campaign database (.duckdb), opened read-only. */
  readonly db?: string;
  /** Folder of .sfm model files. */
  readonly models?: string;
  /** Folder of the built single-page app (default <package root>/dist-web). */
  readonly staticDir?: string;
  /** Largest upload per request in bytes (default 64 MiB). */
  readonly maxUploadBytes?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** <package root>/dist-web (this file is src/web/server.ts or dist/web/server.js). */
export function defaultStaticDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist-web');
}

/** Whether a host name or address is this computer only. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** Host name of a Host header (port and IPv6 brackets removed; '' when absent). */
export function hostnameOf(header: string | undefined): string {
  if (!header) return '';
  const h = header.trim();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.replace(/:\d+$/, '');
}

/** Everything a route needs. */
export interface ServerContext {
  readonly models: ModelRegistry;
  readonly db: DbAccess | null;
  readonly dbName: string | null;
  readonly staticDir: string;
  readonly maxUploadBytes: number;
  /** Server paths → names shown to clients in error messages. */
  readonly replacements: Map<string, string>;
}

/** Validate a response against its schema and send it. */
export function sendJson(reply: FastifyReply, schema: z.ZodType, data: unknown, status = 200) {
  const r = schema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new WebError(
      500,
      'internal',
      `response does not match its schema at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(r.data));
}

export type RouteRegistrar = (app: FastifyInstance, ctx: ServerContext) => void;

function registerCoreRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/health', async (_req, reply) =>
    sendJson(reply, healthSchema, {
      ok: true,
      version: VERSION,
      db: ctx.dbName,
      models: ctx.models.ids().length,
    }),
  );
  app.get('/api/models', async (_req, reply) => {
    const { entries, problems } = ctx.models.all();
    return sendJson(reply, modelsSchema, {
      models: entries.map((e) => ctx.models.summary(e)),
      ...(problems.length ? { problems: problems.map((p) => scrub(p, ctx.replacements)) } : {}),
    });
  });
  app.get<{ Params: { id: string } }>('/api/models/:id', async (req, reply) => {
    const e = ctx.models.get(req.params.id);
    const m = e.model;
    const grids: Record<string, [number, number, number]> = {};
    for (const [mode, g] of Object.entries(m.grids)) grids[mode] = [g[0], g[0] + (g[2] - 1) * g[1], g[1]];
    return sendJson(reply, modelDetailSchema, {
      ...ctx.models.summary(e),
      metrics: m.metrics ?? null,
      grids,
      modelKind: m.modelKind,
      createdAt: m.createdAt,
    });
  });
  app.get('/api/evaluation', async (_req, reply) => {
    const file = ctx.models.dir ? join(dirname(ctx.models.dir), 'evaluation.json') : undefined;
    if (!file || !existsSync(file))
      throw new WebError(
        404,
        'no-evaluation',
        'no evaluation.json beside the models folder (run `specfuse run`)',
      );
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new WebError(
        500,
        'bad-evaluation',
        `evaluation.json is not readable JSON: ${(e as Error).message}`,
      );
    }
    return sendJson(reply, evaluationSchema, flattenEvaluation(doc));
  });
}

function registerStatic(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/*', async (req, reply) => {
    const url = req.raw.url ?? '/';
    const segs = urlSegments(url);
    if (segs[0] === 'api') throw new WebError(404, 'not-found', 'no such API route');
    const t = resolveStatic(ctx.staticDir, url);
    if (t.kind === 'no-build') return reply.code(503).type('text/html; charset=utf-8').send(NO_BUILD_PAGE);
    reply.header('X-Content-Type-Options', 'nosniff');
    if (t.path.endsWith('index.html')) reply.header('Cache-Control', 'no-cache');
    return reply.code(200).type(t.type).send(createReadStream(t.path));
  });
}

/** Build the Fastify app (not listening). */
export async function buildApp(
  opts: ServerOptions,
  extra: readonly RouteRegistrar[] = [],
): Promise<{ app: FastifyInstance; ctx: ServerContext }> {
  const maxUploadBytes = opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  if (!(Number.isFinite(maxUploadBytes) && maxUploadBytes > 0))
    throw new WebError(400, 'invalid-argument', 'maxUploadBytes must be a positive number');
  const replacements = new Map<string, string>();
  const models = new ModelRegistry(opts.models);
  if (models.dir) replacements.set(models.dir, 'models');
  let db: DbAccess | null = null;
  let dbName: string | null = null;
  if (opts.db !== undefined) {
    const file = resolve(opts.db);
    if (!fileExists(file)) throw new SpecfuseError('not-found', 'no such campaign database', { file });
    db = new DbAccess(file);
    dbName = basename(file);
    replacements.set(file, dbName);
  }
  const ctx: ServerContext = {
    models,
    db,
    dbName,
    staticDir: resolve(opts.staticDir ?? defaultStaticDir()),
    maxUploadBytes,
    replacements,
  };
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    // errors raised before routing (a URL that is not valid percent-encoding…) in the same JSON shape
    frameworkErrors: (e, _req, reply) => {
      const { status, body } = errorResponse(
        new WebError(
          (e as { statusCode?: number }).statusCode === 413 ? 413 : 400,
          e.code === 'FST_ERR_BAD_URL' ? 'bad-path' : 'bad-request',
          e.message,
        ),
        replacements,
      );
      const r = reply as unknown as FastifyReply;
      return r.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
    },
  });
  await app.register(multipart, {
    limits: { fileSize: maxUploadBytes, files: 16, fields: 16, fieldSize: 4096, parts: 40 },
  });
  // refuse an oversized upload from its declared length before reading it
  const loopbackOnly = isLoopback(opts.host ?? '127.0.0.1');
  app.addHook('onRequest', async (req, reply) => {
    // DNS rebinding: a page from another site whose name resolves to 127.0.0.1 must not read this API
    if (loopbackOnly && !isLoopback(hostnameOf(req.headers.host)))
      throw new WebError(
        403,
        'bad-host',
        'this server answers only requests addressed to localhost / 127.0.0.1',
      );
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    const len = Number(req.headers['content-length']);
    if (req.method === 'POST' && Number.isFinite(len) && len > maxUploadBytes + 64 * 1024)
      throw new WebError(
        413,
        'payload-too-large',
        `upload of ${len} bytes exceeds the limit of ${maxUploadBytes} bytes`,
      );
  });
  app.setErrorHandler((e, _req, reply) => {
    const { status, body } = errorResponse(e, replacements);
    if (status >= 500 && !(e instanceof WebError)) console.error(e);
    return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(body));
  });
  app.setNotFoundHandler((req, reply) => {
    const status = req.method === 'GET' || req.method === 'HEAD' ? 404 : 405;
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(
        JSON.stringify({
          error: {
            code: status === 404 ? 'not-found' : 'method-not-allowed',
            message: `no route ${req.method} ${status === 404 ? 'here' : 'for this path'}`,
          },
        }),
      );
  });
  registerCoreRoutes(app, ctx);
  for (const r of extra) r(app, ctx);
  registerStatic(app, ctx);
  return { app, ctx };
}
