import { spawn } from 'node:child_process';
import { request } from 'node:http';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { PROJECT_ROOT, hasShared, sharedPath } from '../../test/shared.js';
import { type RunningServer, startServer } from './index.js';

/**
 * The server's safety contract: upload size limits (413), file types decided by content (415), malformed files
 * answered with the reader's message (400), no path traversal or file outside the app folder in any route, and the
 * server keeps answering after every error. Raw HTTP requests (node:http) are used so that no client normalises
 * `..` or percent-encodings away before they reach the server.
 */
const dir = mkdtempSync(join(tmpdir(), 'specfuse-web-safety-'));
const staticDir = join(dir, 'app');
const SECRET = 'TOP-SECRET-CONTENT-4711';
let server: RunningServer;

beforeAll(async () => {
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>\n');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1);\n');
  writeFileSync(join(dir, 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'package.json'), SECRET);
  symlinkSync(join(dir, 'secret.txt'), join(staticDir, 'assets', 'link.txt'));
  mkdirSync(join(dir, 'models'));
  server = await startServer({ port: 0, staticDir, models: join(dir, 'models'), maxUploadBytes: 100_000 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function raw(
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function upload(
  route: string,
  files: { name: string; bytes: Uint8Array | string }[],
  fields: Record<string, string> = {},
) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append('file', new Blob([f.bytes]), f.name);
  const r = await fetch(`${server.url}${route}`, { method: 'POST', body: fd });
  return {
    status: r.status,
    json: (await r.json()) as { error?: { code: string; message: string; file?: string } },
  };
}

async function healthy() {
  const r = await fetch(`${server.url}/api/health`);
  expect(r.status).toBe(200);
  expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
}

function uploadDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('specfuse-upload-'));
}

describe('binding', () => {
  it('listens on loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('host check', () => {
  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const r = await raw('/api/health', 'GET', { host: 'evil.example:80' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.code).toBe('bad-host');
    expect((await raw('/api/health', 'GET', { host: `localhost:${server.port}` })).status).toBe(200);
    expect((await raw('/api/health', 'GET', { host: `[::1]:${server.port}` })).status).toBe(200);
    const h = await raw('/api/health');
    expect(h.status).toBe(200);
  });
});

describe('path traversal', () => {
  const attempts = [
    '/..%2f..%2fetc/passwd',
    '/%2e%2e/package.json',
    '/%2e%2e/secret.txt',
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '//etc/passwd',
    '/%2fetc%2fpasswd',
    '/assets/link.txt',
    '/.%2e/package.json',
    '/%252e%252e/secret.txt',
    '/assets/app.js%00.html',
    '/api/models/..%2f..',
    '/api/models/%2e%2e',
    '/api/models/..%2f..%2fpackage',
    '/api/models/%2fetc%2fpasswd',
    '/api/dataset/structures/..%2f..%2fsecret',
    '/api/maps/..%2f../pixels/0/0',
  ];
  for (const p of attempts)
    it(`refuses ${p}`, async () => {
      const r = await raw(p);
      expect([400, 404]).toContain(r.status);
      expect(r.body).not.toContain(SECRET);
      expect(r.body).not.toContain('root:');
    });

  it('serves files inside the app folder and the app for client routes', async () => {
    const a = await raw('/assets/app.js');
    expect(a.status).toBe(200);
    expect(a.body).toBe('console.log(1);\n');
    const b = await raw('/analyze');
    expect(b.status).toBe(200);
    expect(b.body).toContain('<title>app</title>');
    const c = await raw('/assets/missing.js');
    expect(c.status).toBe(404);
    await healthy();
  });

  it('answers unknown API routes and methods with JSON errors', async () => {
    const a = await raw('/api/nothing-here');
    expect(a.status).toBe(404);
    expect(JSON.parse(a.body).error.code).toBe('not-found');
    const b = await raw('/api/health', 'DELETE');
    expect([404, 405]).toContain(b.status);
    expect(JSON.parse(b.body).error).toBeDefined();
  });
});

describe('uploads', () => {
  it('refuses an oversized upload with 413 (declared length and streamed size)', async () => {
    const big = await upload('/api/analyze', [{ name: 'big.msa', bytes: new Uint8Array(300_000).fill(65) }]);
    expect(big.status).toBe(413);
    expect(big.json.error?.code).toBe('payload-too-large');
    // just above the limit: passes the declared-length check, caught while streaming
    const over = await upload('/api/analyze', [
      { name: 'a.csv', bytes: new Uint8Array(60_000).fill(49) },
      { name: 'b.csv', bytes: new Uint8Array(60_000).fill(49) },
    ]);
    expect(over.status).toBe(413);
    expect(over.json.error?.code).toBe('payload-too-large');
    await healthy();
  });

  it('decides the file type by content: unknown content is 415 whatever the name', async () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ]);
    for (const f of [
      { name: 'spectrum.dm3', bytes: png },
      { name: 'notes.msa', bytes: 'Dear colleague, here are my notes about the beam time.\n' },
      { name: 'x.xdi', bytes: new Uint8Array(64).fill(0) },
    ]) {
      const r = await upload('/api/analyze', [f]);
      expect(r.status).toBe(415);
      expect(r.json.error?.code).toBe('unsupported-file');
      expect(r.json.error?.message).toContain(f.name);
    }
    await healthy();
  });

  it.skipIf(!hasShared())(
    'answers a truncated DM3 with 400 and the reader message naming the file',
    async () => {
      const dm3 = readFileSync(sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3'));
      const r = await upload('/api/analyze', [
        { name: 'cut.dm3', bytes: new Uint8Array(dm3.subarray(0, 3000)) },
      ]);
      expect(r.status).toBe(400);
      expect(r.json.error?.file).toBe('cut.dm3');
      expect(r.json.error?.message).toMatch(/^cut\.dm3, byte \d+: /);
      expect(r.json.error?.message).not.toContain(tmpdir());
      await healthy();
    },
  );

  it.skipIf(!hasShared())(
    'answers an MSA with garbage data lines with 400 naming file and line',
    async () => {
      const text = readFileSync(sharedPath('data', 'eels', 'nmc-si-doped', 'TM_oxygen_edge.msa'), 'utf8');
      const lines = text.split(/\r?\n/);
      const first = lines.findIndex((l) => /^\s*[-+\d.]/.test(l) && !l.startsWith('#'));
      lines[first + 5] = 'garbage, not a number';
      const r = await upload('/api/analyze', [{ name: 'bad.msa', bytes: lines.join('\n') }]);
      expect(r.status).toBe(400);
      expect(r.json.error?.file).toBe('bad.msa');
      expect(r.json.error?.message).toMatch(new RegExp(`^bad\\.msa, line ${first + 6}`));
      await healthy();
    },
  );

  it('sanitises client file names and removes the temporary folder afterwards', async () => {
    const before = uploadDirs().length;
    const r = await upload('/api/analyze', [
      {
        name: '../../etc/evil name.msa',
        bytes: '#FORMAT: EMSA/MAS Spectral Data File\n#VERSION: 1.0\n#NPOINTS: x\n',
      },
    ]);
    expect(r.status).toBe(400);
    expect(r.json.error?.file).toBe('evil_name.msa');
    expect(uploadDirs().length).toBe(before);
    await healthy();
  });

  it('answers malformed URLs and truncated multipart bodies with JSON 400s', async () => {
    const a = await raw('/%zz');
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body).error.code).toBe('bad-path');
    const r = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/analyze',
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=xx' },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('--xx\r\nContent-Disposition: form-data; name="file"; filename="a.msa"\r\n\r\nabc');
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe('bad-multipart');
    await healthy();
  });

  it('refuses non-multipart bodies and bad fields', async () => {
    const a = await fetch(`${server.url}/api/analyze`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(a.status).toBe(415);
    const b = await upload(
      '/api/analyze',
      [{ name: 'a.csv', bytes: 'energy_eV,intensity\n1,2\n2,3\n3,4\n' }],
      { maxShift: 'lots' },
    );
    expect(b.status).toBe(400);
    expect(b.json.error?.code).toBe('invalid-field');
    const c = await upload(
      '/api/analyze',
      [{ name: 'a.csv', bytes: 'energy_eV,intensity\n1,2\n2,3\n3,4\n' }],
      { model: '../secret' },
    );
    expect(c.status).toBe(400);
    expect(c.json.error?.code).toBe('invalid-model-id');
    const d = await upload('/api/maps', [{ name: 'a.csv', bytes: 'energy_eV,intensity\n1,2\n2,3\n3,4\n' }], {
      bin: '99',
    });
    expect(d.status).toBe(400);
    await healthy();
  });
});

describe('absent resources', () => {
  it('answers without a database, evaluation or built app with clear errors', async () => {
    expect((await raw('/api/dataset')).status).toBe(404);
    expect(JSON.parse((await raw('/api/dataset')).body).error.code).toBe('no-database');
    expect(JSON.parse((await raw('/api/dataset/structures')).body).error.code).toBe('no-database');
    expect(JSON.parse((await raw('/api/evaluation')).body).error.code).toBe('no-evaluation');
    expect(JSON.parse((await raw('/api/models')).body)).toEqual({ models: [] });
    // a corrupted model file is listed as a problem (no server path), never served
    writeFileSync(join(dir, 'models', 'broken.sfm'), '{"format":"specfuse-model"');
    const m = JSON.parse((await raw('/api/models')).body);
    expect(m.models).toEqual([]);
    expect(m.problems[0]).toMatch(/^broken: models\/broken\.sfm, byte \d+: model file is not JSON/);
    expect((await raw('/api/models/broken')).status).toBe(400);
    const bare = await startServer({ port: 0, staticDir: join(dir, 'not-built') });
    try {
      const r = await fetch(`${bare.url}/`);
      expect(r.status).toBe(503);
      expect(await r.text()).toContain('npm run build:web');
      const h = (await (await fetch(`${bare.url}/api/health`)).json()) as { db: unknown; models: number };
      expect(h).toMatchObject({ db: null, models: 0 });
      const a = await fetch(`${bare.url}/api/analyze`, {
        method: 'POST',
        body: (() => {
          const fd = new FormData();
          fd.append('file', new Blob(['energy_eV,intensity\n1,2\n2,3\n3,4\n']), 'a.csv');
          return fd;
        })(),
      });
      expect(a.status).toBe(404);
      expect(((await a.json()) as { error: { code: string } }).error.code).toBe('no-models');
    } finally {
      await bare.close();
    }
  });
});

describe('campaign database access', () => {
  it('does not hold the database between requests and reports a campaign that holds it', async () => {
    const file = join(dir, 'lock.duckdb');
    const inst = await DuckDBInstance.create(file);
    const c = await inst.connect();
    await c.run('CREATE TABLE t(x INTEGER)');
    c.closeSync();
    inst.closeSync();
    const s2 = await startServer({ port: 0, staticDir, db: file });
    const get = async () => {
      const r = await fetch(`${s2.url}/api/dataset`);
      return { status: r.status, code: ((await r.json()) as { error?: { code: string } }).error?.code };
    };
    try {
      expect(await get()).toEqual({ status: 404, code: 'not-found' }); // no campaign tables in this file
      // a writer (another process, as a running campaign) can open the file while the server runs
      const script = `import { DuckDBInstance } from '@duckdb/node-api';
const i = await DuckDBInstance.create(${JSON.stringify(file)}); await i.connect();
process.stdout.write('ready\\n'); setInterval(() => {}, 1000);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (d) => {
            if (String(d).includes('ready')) resolve();
          });
          child.on('exit', (code) => reject(new Error(`writer exited ${code}`)));
        });
        expect(await get()).toEqual({ status: 503, code: 'database-locked' });
      } finally {
        const gone = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      expect(await get()).toEqual({ status: 404, code: 'not-found' });
    } finally {
      await s2.close();
    }
  }, 30_000);
});
