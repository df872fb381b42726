import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, hasShared, sharedPath } from '../../test/shared.js';
import { loadModelFile } from '../ml/model-file.js';
import { relativeDistance } from '../infer/nearest.js';
import { type RunningServer, startServer } from './index.js';
import { type WebFixture, buildWebFixture } from './test-fixture.js';

/**
 * Every endpoint on a small real results folder (8 simulated NMC structures, L2,3 models: see test-fixture.ts) and
 * the shared measured data (Si-doped NMC spectrum image and its extracted edges, a Ni K-edge XDI file).
 */
let fx: WebFixture;
let server: RunningServer;
const SI = () => sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3');

beforeAll(async () => {
  fx = await buildWebFixture();
  server = await startServer({ port: 0, db: fx.db, models: fx.models, staticDir: fx.staticDir });
}, 120_000);
afterAll(async () => {
  await server?.close();
  fx?.cleanup();
});

// biome-ignore lint/suspicious/noExplicitAny: JSON responses are inspected field by field
type Json = any;
async function get(path: string): Promise<{ status: number; json: Json }> {
  const r = await fetch(`${server.url}${path}`);
  return { status: r.status, json: await r.json() };
}
async function post(path: string, files: string[], fields: Record<string, string> = {}) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append('file', new Blob([readFileSync(f)]), f.split('/').pop());
  const r = await fetch(`${server.url}${path}`, { method: 'POST', body: fd });
  return { status: r.status, json: (await r.json()) as Json };
}

describe('health, models, evaluation', () => {
  it('reports health with the database and model count', async () => {
    const r = await get('/api/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true, version: expect.any(String), db: 'campaign.duckdb', models: 2 });
  });

  it('lists models and details one with its grids as [start, stop, step]', async () => {
    const r = await get('/api/models');
    expect(r.json.models.map((m: Json) => m.id)).toEqual(['fused-all', 'single-ni-l23']);
    const all = r.json.models[0];
    expect(all.modes).toEqual(['Ni:L23', 'Mn:L23', 'Co:L23']);
    expect(all.targets).toContainEqual({ name: 'o_vacancy', task: 'classification' });
    expect(all.trainedOn).toBe(4);
    const d = await get('/api/models/single-ni-l23');
    expect(d.status).toBe(200);
    const m = loadModelFile(join(fx.models, 'single-ni-l23.sfm'));
    const [e0, de, n] = m.grids['Ni:L23']!;
    expect(d.json.grids['Ni:L23']).toEqual([e0, e0 + (n - 1) * de, de]);
    expect((await get('/api/models/nope')).status).toBe(404);
  });

  it('flattens evaluation.json into rows and a table', async () => {
    const r = await get('/api/evaluation');
    expect(r.status).toBe(200);
    expect(r.json.rows).toHaveLength(6);
    expect(r.json.rows[0]).toEqual({
      label: 'Ni L2,3',
      modes: ['Ni:L23'],
      kind: 'single',
      target: 'ni_content',
      metric: 'r2',
      value: 0.5,
      lower: 0.25,
      upper: 0.75,
    });
    expect(r.json.table.columns).toEqual([
      'model',
      'modes',
      'ni_content r2',
      'ni_content mae',
      'o_vacancy auc',
    ]);
    expect(r.json.table.rows[1]).toEqual(['all-mode fusion', 'Ni:L23 + Mn:L23 + Co:L23', 0.875, 0.02, 0.75]);
    expect(r.json.evaluationTable.protocol).toBe('format sample');
  });

  it('serves the app', async () => {
    const r = await fetch(`${server.url}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('specfuse test app');
  });
});

describe.skipIf(!hasShared())('analyze', () => {
  it('removes the measured L2,3 continuum step by default and reports it per mode', async () => {
    const r = await post('/api/analyze', [SI()]);
    expect(r.status).toBe(200);
    for (const m of r.json.modes) {
      // the measured edges keep ≈ 30 % of their maximum after the edge; the multiplet training spectra ≈ 0
      expect(m.continuumStep.applied).toBe(true);
      expect(m.continuumStep.relHeight).toBeGreaterThan(0.15);
      expect(m.continuumStep.l2 - m.continuumStep.l3).toBeGreaterThan(10);
    }
    const off = await post('/api/analyze', [SI()], { continuumStep: 'off' });
    expect(off.json.modes.every((m: Json) => m.continuumStep.applied === false)).toBe(true);
    expect((await post('/api/analyze', [SI()], { continuumStep: 'maybe' })).status).toBe(400);
  });

  it('predicts from the spectrum image sum with nearest simulated spectra and importance', async () => {
    // the step is kept here: this tiny fixture model (4 structures) only reacts to the step-bearing spectrum, and the
    // occlusion importance of an insensitive model is zero everywhere, which would not test the window structure
    const r = await post('/api/analyze', [SI()], { continuumStep: 'off' });
    expect(r.status).toBe(200);
    const j = r.json;
    expect(j.model).toBe('fused-all');
    expect(j.files).toEqual([
      { name: 'TM_TM-O_EELS_Spectrum_Image.dm3', kind: 'spectrum-image', format: 'dm3', spectra: 0 },
    ]);
    expect(j.missingModes).toEqual([]);
    expect(j.modes.map((m: Json) => m.mode)).toEqual(['Ni:L23', 'Mn:L23', 'Co:L23']);
    const model = loadModelFile(join(fx.models, 'fused-all.sfm'));
    const ids = new Set((await get('/api/dataset/structures?limit=100')).json.items.map((s: Json) => s.id));
    for (const m of j.modes) {
      const [e0, de, n] = model.grids[m.mode]!;
      expect(m.energy).toHaveLength(n);
      expect(m.energy[0]).toBeCloseTo(e0, 9);
      expect(m.energy[n - 1]).toBeCloseTo(e0 + (n - 1) * de, 9);
      expect(m.measured).toHaveLength(n);
      expect(m.importance).toHaveLength(n);
      expect(m.importance.every((v: number) => v >= 0)).toBe(true);
      expect(m.nearest).toHaveLength(3);
      for (let k = 0; k < 3; k++) {
        const near = m.nearest[k];
        expect(ids.has(near.structureId)).toBe(true);
        // the reported distance is ‖m − s‖/‖m‖ of the two arrays sent
        expect(near.distance).toBeCloseTo(relativeDistance(m.measured, near.intensity), 9);
        if (k > 0) expect(near.distance).toBeGreaterThanOrEqual(m.nearest[k - 1].distance);
      }
    }
    // each target's window weights sum to 1 over all modes' windows; the per-energy values repeat a window's weight
    const windowsTotal = j.modes.reduce((a: number, m: Json) => a + new Set(m.importance).size, 0);
    expect(windowsTotal).toBeGreaterThan(3);
    expect(j.predictions.map((p: Json) => p.target)).toEqual([
      'li_content',
      'ni_content',
      'mn_content',
      'co_content',
      'o_vacancy',
      'antisite',
    ]);
    for (const p of j.predictions) {
      if (p.task === 'regression' && p.interval) {
        expect(p.interval[0]).toBeLessThanOrEqual(p.value);
        expect(p.interval[1]).toBeGreaterThanOrEqual(p.value);
      }
      if (p.task === 'classification')
        expect(p.probabilities.present + p.probabilities.absent).toBeCloseTo(1, 12);
    }
    expect(typeof j.ood.flagged).toBe('boolean');
  }, 30_000);

  it('uses the model asked for and states missing modes of a smaller upload', async () => {
    const full = sharedPath('data', 'eels', 'nmc-si-doped', 'TM_Extracted_Spectrum_1.msa');
    const one = await post('/api/analyze', [full], { model: 'single-ni-l23' });
    expect(one.status).toBe(200);
    expect(one.json.model).toBe('single-ni-l23');
    expect(one.json.modes.map((m: Json) => m.mode)).toEqual(['Ni:L23']);
    // the same spectrum above 760 eV only (a CSV): the fused model lacks Mn and Co, the Ni model is the stated fallback
    const rows = readFileSync(full, 'utf8')
      .split(/\r?\n/)
      .filter((l) => /^\s*[-+\d.]/.test(l))
      .map((l) =>
        l
          .split(/[,\s]+/)
          .filter(Boolean)
          .map(Number),
      )
      .filter((v) => v.length >= 2 && v[0]! >= 760);
    const csv = `energy_eV,intensity\n${rows.map((v) => `${v[0]},${v[1]}`).join('\n')}\n`;
    const fd = new FormData();
    fd.append('file', new Blob([csv]), 'ni-only.csv');
    const fb = await fetch(`${server.url}/api/analyze`, { method: 'POST', body: fd });
    const fj = (await fb.json()) as Json;
    expect(fb.status).toBe(200);
    expect(fj.model).toBe('single-ni-l23');
    expect(fj.missingModes).toEqual(['Mn:L23', 'Co:L23']);
    expect(fj.warnings.join('\n')).toContain("model 'fused-all' not used");
    const fd2 = new FormData();
    fd2.append('model', 'fused-all');
    fd2.append('file', new Blob([csv]), 'ni-only.csv');
    const asked = await fetch(`${server.url}/api/analyze`, { method: 'POST', body: fd2 });
    const aj = (await asked.json()) as Json;
    expect(asked.status).toBe(400);
    expect(aj.error.code).toBe('missing-mode');
    expect(aj.error.message).toContain('Mn:L23, Co:L23');
  }, 30_000);

  it('reads an XDI file and names the modes no model can get from it', async () => {
    const r = await post('/api/analyze', [sharedPath('data', 'xas', 'xdi', 'Ni2O3_rt_01.xdi')]);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('missing-mode');
    expect(r.json.error.message).toContain('Ni:L23');
    expect((await get('/api/health')).status).toBe(200);
  });
});

describe.skipIf(!hasShared())('maps', () => {
  it('maps the spectrum image and answers pixel look-ups', async () => {
    const r = await post('/api/maps', [SI()], { bin: '2' });
    expect(r.status).toBe(200);
    const j = r.json;
    const [ny, nx] = j.shape;
    expect(j.bin).toBe(2);
    expect(j.targets).toHaveLength(6);
    expect(j.layers).toHaveLength(6);
    for (const l of j.layers) expect(l.values).toHaveLength(ny * nx);
    expect(j.flagged).toHaveLength(ny * nx);
    expect(j.flags).toHaveLength(ny * nx);
    const p = await get(`/api/maps/${j.id}/pixels/${ny - 1}/${nx - 1}`);
    expect(p.status).toBe(200);
    const k = (ny - 1) * nx + (nx - 1);
    for (const [t, pred] of p.json.predictions.entries()) expect(pred.value).toBe(j.layers[t].values[k]);
    expect(p.json.modes.map((m: Json) => m.mode)).toEqual(['Ni:L23', 'Mn:L23', 'Co:L23']);
    for (const m of p.json.modes) expect(m.measured).toHaveLength(m.energy.length);
    expect((await get(`/api/maps/${j.id}/pixels/${ny}/0`)).json.error.code).toBe('pixel-out-of-range');
    expect((await get(`/api/maps/${j.id}/pixels/0/-1`)).status).toBe(404);
    expect((await get(`/api/maps/${randomUUID()}/pixels/0/0`)).json.error.code).toBe('no-such-map');
  }, 30_000);

  it('refuses a single spectrum as a map', async () => {
    const r = await post('/api/maps', [sharedPath('data', 'eels', 'nmc-si-doped', 'TM_Ni_edge.msa')]);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('not-a-spectrum-image');
  });
});

describe('dataset', () => {
  it('summarises the campaign and pages its structures', async () => {
    const s = await get('/api/dataset');
    expect(s.json).toEqual({
      name: 'web-test',
      structures: 4,
      samples: 4,
      modes: ['Ni:L23', 'Mn:L23', 'Co:L23'],
    });
    const a = await get('/api/dataset/structures?offset=0&limit=3');
    expect(a.json.total).toBe(4);
    expect(a.json.items).toHaveLength(3);
    const b = await get('/api/dataset/structures?offset=2&limit=3');
    expect(b.json.items).toHaveLength(2);
    expect(new Set([...a.json.items, ...b.json.items].map((x: Json) => x.id)).size).toBe(4);
    expect((await get('/api/dataset/structures?limit=0')).status).toBe(400);
    expect((await get('/api/dataset/structures?offset=-1')).status).toBe(400);
  });

  it('gives a defect structure with its CIF, Cartesian sites and highlighted defect atoms', async () => {
    const list = (await get('/api/dataset/structures?limit=100')).json.items as Json[];
    const anti = list.find((x) => x.defectClass.startsWith('antisite'));
    expect(anti.labels.antisite).toBe(1);
    const d = (await get(`/api/dataset/structures/${anti.id}`)).json;
    expect(d.cif).toContain('_atom_site_fract_x');
    expect(d.sites).toHaveLength(anti.nSites);
    const as = d.defects.find((x: Json) => x.kind === 'antisite');
    expect(as.sites).toHaveLength(2);
    const marked = d.sites.flatMap((s: Json, i: number) => (s.defect === 'antisite' ? [i] : []));
    expect(marked.sort()).toEqual([...as.sites].sort());
    // the antisite pair: one Ni in the Li layer, one Li in the TM layer — both elements present
    expect(new Set(as.sites.map((i: number) => d.sites[i].element))).toEqual(new Set(['Li', 'Ni']));
    // cart = frac · lattice (rows a, b, c)
    const s = d.sites[3];
    for (let c = 0; c < 3; c++)
      expect(s.cart[c]).toBeCloseTo(
        s.frac[0] * d.lattice[0][c] + s.frac[1] * d.lattice[1][c] + s.frac[2] * d.lattice[2][c],
        9,
      );
    const ov = list.find((x) => x.defectClass === 'ovac');
    const o = (await get(`/api/dataset/structures/${ov.id}`)).json;
    const vac = o.defects.find((x: Json) => x.kind === 'o-vacancy');
    expect(vac.position).toHaveLength(3);
    expect(vac.sites.length).toBeGreaterThan(0);
    expect((await get('/api/dataset/structures/nope')).status).toBe(404);
    // ids of combined defect classes contain '+' (class 'ovac+antisite' of the default study): a valid id, so an
    // unknown one is 404 like any other, never a 400 'invalid-structure-id'
    const plus = await get('/api/dataset/structures/NMC622-ovac+antisite-999');
    expect(plus.status).toBe(404);
    expect(plus.json.error.code).toBe('no-such-structure');
  });

  it('gives a structure spectra per mode on the campaign grids', async () => {
    const list = (await get('/api/dataset/structures?limit=1')).json.items as Json[];
    const r = await get(`/api/dataset/structures/${list[0].id}/spectra`);
    expect(r.json.modes.map((m: Json) => m.mode)).toEqual(['Ni:L23', 'Mn:L23', 'Co:L23']);
    for (const m of r.json.modes) {
      expect(m.intensity).toHaveLength(m.energy.length);
      expect(m.energy[1] - m.energy[0]).toBeCloseTo(0.2, 9);
      expect(Math.max(...m.intensity)).toBeGreaterThan(0);
    }
  });
});

describe('specfuse serve', () => {
  it('starts the server from the CLI and prints its URL', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(PROJECT_ROOT, 'src/cli/main.ts'),
        'serve',
        '--port',
        '0',
        '--json',
        '--db',
        fx.db,
        '--models',
        fx.models,
        '--static',
        fx.staticDir,
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c) => {
          out += c;
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
      });
      const info = JSON.parse(line);
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const h = (await (await fetch(`${info.url}/api/health`)).json()) as Json;
      expect(h.models).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
