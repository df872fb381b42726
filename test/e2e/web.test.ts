import {
  existsSync,
  readFileSync,
  renameSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/web/index.js';
import { PROJECT_ROOT, hasShared, requireTool, sharedPath } from '../shared.js';
import { type WebFixture, buildWebFixture } from './fixture.js';

/**
 * End-to-end browser tests of the web app (issue 11): the built single-page app served by `startServer` over a
 * small real results folder (campaign + trained models + evaluation, see fixture.ts), driven in Debian's Chromium
 * through playwright-core. Each page is loaded; a shared Ni K XDI file and the shared NMC STEM-EELS spectrum image
 * (DM3) are uploaded; predictions, plots and a map must render, a clicked pixel must show its detail, a structure
 * must render in the 3D viewer, the evaluation table must list the study's rows. Any browser console error, page
 * error or request leaving the local server fails the run. Screenshots go to artifacts/e2e/ (the Analyze page also
 * to docs/screenshots/analyze.png for the README).
 */
const CHROMIUM = '/usr/bin/chromium';
const HAVE = requireTool('chromium', existsSync(CHROMIUM)) && hasShared();
const DIST = join(PROJECT_ROOT, 'dist-web');
const WEBAPP = join(PROJECT_ROOT, 'webapp');
const ARTIFACTS = join(PROJECT_ROOT, 'artifacts', 'e2e');
const DM3 = sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3');
const MSA = sharedPath('data', 'eels', 'nmc-si-doped', 'TM_Extracted_Spectrum_1.msa');
const XDI = sharedPath('data', 'xas', 'xdi', 'Ni2O3_rt_01.xdi');
/** Flags from STACK-NOTES.md: headless Chromium without a GPU, WebGL through SwiftShader (for 3Dmol.js). */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Build the SPA with Vite when dist-web is missing or older than any webapp source. */
async function ensureSpaBuilt(): Promise<void> {
  const index = join(DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(WEBAPP)) return;
  const { build } = await import('vite');
  // built beside and swapped in, so that a server reading dist-web meanwhile never sees it half-written
  const tmp = `${DIST}.tmp-${process.pid}`;
  await build({ configFile: join(WEBAPP, 'vite.config.ts'), logLevel: 'warn', build: { outDir: tmp } });
  rmSync(DIST, { recursive: true, force: true });
  renameSync(tmp, DIST);
}

/** Fraction of pixels of a PNG (decoded by the browser itself) that differ from the white background. */
async function inkFraction(page: Page, png: Buffer): Promise<number> {
  // evaluated in the page (the test's own tsconfig has no DOM types)
  const fn = `async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
    return ink / (d.length / 4);
  }`;
  return page.evaluate(`(${fn})(${JSON.stringify(png.toString('base64'))})`) as Promise<number>;
}

describe.skipIf(!HAVE)('web app in a browser (playwright-core + Chromium)', { timeout: 120_000 }, () => {
  let fixtureDir = '';
  let fixture: WebFixture;
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  /** Set while a test provokes an API error on purpose: Chromium logs the 4xx response as a console error. */
  let expectHttpError = false;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // SPECFUSE_E2E_FIXTURE=<dir> keeps (and reuses) the fixture between local runs; by default a fresh temp dir
    const keep = process.env.SPECFUSE_E2E_FIXTURE;
    fixtureDir = keep ?? mkdtempSync(join(tmpdir(), 'specfuse-e2e-'));
    const [f] = await Promise.all([buildWebFixture(fixtureDir), ensureSpaBuilt()]);
    fixture = f;
    server = await startServer({ port: 0, db: fixture.db, models: fixture.models, staticDir: DIST });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (expectHttpError && /Failed to load resource: .* status of 4\d\d/.test(m.text())) return;
      problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(server.url) && !u.startsWith('data:') && !u.startsWith('blob:'))
        problems.push(`request off the local server: ${u}`);
    });
    page.on('response', (r) => {
      // an API error the test provokes on purpose is answered 4xx; anything else must succeed
      if (r.status() >= 500) problems.push(`HTTP ${r.status()} for ${r.url()}`);
    });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (fixtureDir && !process.env.SPECFUSE_E2E_FIXTURE) rmSync(fixtureDir, { recursive: true, force: true });
  });

  const shot = async (name: string) => {
    const file = join(ARTIFACTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  /** A fresh load of a page (a hash change alone would keep the previous pages' state in the document). */
  async function open(route: string): Promise<void> {
    await page.goto('about:blank');
    await page.goto(`${server.url}/#/${route}`);
  }

  /** Analyze files on the Analyze page, chosen with the file input or dropped on the drop zone. */
  async function analyze(files: string[], model: string, how: 'choose' | 'drop' = 'choose'): Promise<void> {
    await open('analyze');
    if (model) {
      await page
        .getByTestId('analyze-model')
        .locator(`option[value="${model}"]`)
        .waitFor({ state: 'attached' });
      await page.getByTestId('analyze-model').selectOption(model);
    }
    if (how === 'choose') await page.getByTestId('analyze-file-input').setInputFiles(files);
    else {
      const parts = files.map((f) => ({ name: basename(f), b64: readFileSync(f).toString('base64') }));
      const dt = await page.evaluateHandle(`(() => {
        const dt = new DataTransfer();
        for (const p of ${JSON.stringify(parts)})
          dt.items.add(new File([Uint8Array.from(atob(p.b64), (c) => c.charCodeAt(0))], p.name));
        return dt;
      })()`);
      await page.locator('[data-page=analyze] .drop-zone').dispatchEvent('drop', { dataTransfer: dt });
      for (const p of parts) await page.getByTestId('analyze-file-list').getByText(p.name).waitFor();
    }
    await page.getByTestId('analyze-submit').click();
    await page
      .getByTestId('prediction-table')
      .or(page.getByTestId('error-message'))
      .first()
      .waitFor({ timeout: 60_000 });
    const err = page.getByTestId('error-message');
    if (await err.count()) throw new Error(`analysis failed in the page: ${await err.textContent()}`);
  }

  it('loads every page from the nav bar', async () => {
    await page.goto(`${server.url}/`);
    for (const r of ['analyze', 'map', 'dataset', 'model']) {
      await page.getByTestId(`nav-${r}`).click();
      await expect.poll(() => page.evaluate('location.hash')).toBe(`#/${r}`);
      await expect.poll(() => page.locator(`[data-page="${r}"]`).isVisible()).toBe(true);
    }
    await expect.poll(() => page.getByTestId('server-health').textContent()).toMatch(/models?/);
  });

  it('Analyze: an XDI (Ni K) file dropped on the page, with the Ni K model → predictions with intervals, OOD badge, plot', async () => {
    await analyze([XDI], 'ni-k', 'drop');
    const rows = page.getByTestId('prediction-table').locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    const text = (await page.getByTestId('prediction-table').textContent()) ?? '';
    expect(text).toMatch(/o vacancy|antisite|ni content/);
    expect(await page.getByTestId('ood-badge').textContent()).toMatch(/distribution — score/);
    const plot = page.getByTestId('spectrum-plot');
    expect(await plot.count()).toBe(1);
    expect(await plot.first().getAttribute('data-mode')).toBe('Ni:K');
    // measured + ≥ 1 nearest simulated spectrum drawn as lines
    expect(await plot.first().locator('.scatterlayer .trace').count()).toBeGreaterThanOrEqual(2);
    await shot('analyze-xdi');
  });

  it('Analyze: the shared DM3 spectrum image (summed) with the server default model → four mode plots', async () => {
    // the default (all-mode) model needs Ni K, which the EELS data lack: the server falls back and says so
    await analyze([DM3], '');
    const warnings = (await page.getByTestId('analyze-warnings').textContent()) ?? '';
    expect(warnings).toMatch(/fused-all/);
    const plots = page.getByTestId('spectrum-plot');
    expect(await plots.count()).toBe(4);
    const modes = await plots.evaluateAll((els) => els.map((e) => e.getAttribute('data-mode')));
    expect(modes.sort()).toEqual(['Co:L23', 'Mn:L23', 'Ni:L23', 'O:K']);
    // each plot: measured + 3 nearest simulated spectra (+ the importance area)
    for (let k = 0; k < 4; k++)
      expect(await plots.nth(k).locator('.scatterlayer .trace').count()).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('prediction-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(2);
    // hover shows values: move over the first plot and expect Plotly's hover label
    const box = (await plots.first().locator('.nsewdrag').first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await expect.poll(() => page.locator('.hoverlayer text').count()).toBeGreaterThan(0);
    await page.mouse.move(5, 5);
    await shot('analyze');
    // the README's picture: the top of the page (input, predictions, first plots) at a readable size
    // (written to docs/ when missing or when SPECFUSE_UPDATE_SCREENSHOTS=1, so test runs leave the tree clean)
    const docs = join(PROJECT_ROOT, 'docs', 'screenshots');
    const readme = join(docs, 'analyze.png');
    const target =
      !existsSync(readme) || process.env.SPECFUSE_UPDATE_SCREENSHOTS
        ? readme
        : join(ARTIFACTS, 'analyze-readme.png');
    mkdirSync(docs, { recursive: true });
    await page.screenshot({
      path: target,
      fullPage: true,
      clip: { x: 0, y: 0, width: 1400, height: 1350 },
    });
  });

  it('Analyze: the NMC EELS point spectrum (MSA) with the seed-paper model', async () => {
    await analyze([MSA], 'fused-seed-paper');
    expect(await page.getByTestId('spectrum-plot').count()).toBe(4);
    expect(await page.getByTestId('ood-badge').getAttribute('data-flagged')).toMatch(/^(true|false)$/);
    await shot('analyze-msa');
  });

  it('Analyze: a malformed file shows the server’s own error message', async () => {
    const bad = join(fixtureDir, 'broken.xdi');
    writeFileSync(
      bad,
      '# XDI/1.0\n# Column.1: energy eV\n# Column.2: mu\n#----\n8300 0.1\n8301 not-a-number\n',
    );
    const form = new FormData();
    form.append('file', new Blob([await (await import('node:fs/promises')).readFile(bad)]), 'broken.xdi');
    const res = await fetch(`${server.url}/api/analyze`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    await open('analyze');
    await page.getByTestId('analyze-file-input').setInputFiles(bad);
    expectHttpError = true;
    await page.getByTestId('analyze-submit').click();
    const err = page.getByTestId('error-message');
    await err.waitFor();
    expect(await err.textContent()).toContain(body.error.message);
    await page.waitForTimeout(200);
    expectHttpError = false;
    await shot('analyze-error');
  });

  it('Map: the shared DM3 spectrum image → one heat map per target; a clicked pixel shows its detail', async () => {
    await open('map');
    await page
      .getByTestId('map-model')
      .locator('option[value="fused-seed-paper"]')
      .waitFor({ state: 'attached' });
    await page.getByTestId('map-model').selectOption('fused-seed-paper');
    await page.getByTestId('map-file-input').setInputFiles(DM3);
    await page.getByTestId('map-submit').click();
    await page
      .getByTestId('map-heatmap')
      .or(page.getByTestId('error-message'))
      .first()
      .waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('error-message').count()).toBe(0);
    const maps = page.getByTestId('map-heatmap');
    const targets = await maps.evaluateAll((els) => els.map((e) => e.getAttribute('data-target')));
    expect(targets).toEqual(expect.arrayContaining(['o_vacancy', 'antisite']));
    // a colour bar per map, and the heat map itself drawn
    expect(await maps.first().locator('.colorbar').count()).toBeGreaterThanOrEqual(1);
    expect(await maps.first().locator('.hm image').count()).toBeGreaterThanOrEqual(1);
    const summary = (await page.getByTestId('map-summary').textContent()) ?? '';
    const m = /(\d+) × (\d+) pixels/.exec(summary);
    expect(m, summary).not.toBeNull();
    const [ny, nx] = [Number(m![1]), Number(m![2])];
    // click the centre of pixel (iy, ix) of the first map (y axis reversed: row 0 on top)
    const iy = ny - 1;
    const ix = Math.min(3, nx - 1);
    const box = (await maps.first().locator('.nsewdrag').first().boundingBox())!;
    await page.mouse.click(box.x + ((ix + 0.5) / nx) * box.width, box.y + ((iy + 0.5) / ny) * box.height);
    const detail = page.getByTestId('pixel-detail');
    await detail.locator('h2').waitFor();
    expect(await detail.locator('h2').textContent()).toBe(`Pixel iy ${iy}, ix ${ix}`);
    await detail.locator('table tbody tr').first().waitFor();
    expect(await detail.locator('[data-testid=pixel-spectrum]').count()).toBe(4);
    await shot('map');
  });

  it('Map: a file that holds no spectrum image shows the server’s message and the page keeps working', async () => {
    await open('map');
    await page.getByTestId('map-file-input').setInputFiles(XDI);
    expectHttpError = true;
    await page.getByTestId('map-submit').click();
    const err = page.getByTestId('error-message');
    await err.waitFor();
    expect(await err.textContent()).toMatch(/Ni2O3_rt_01\.xdi/);
    await page.waitForTimeout(200);
    expectHttpError = false;
    expect(await page.getByTestId('map-heatmap').count()).toBe(0);
    // a good file afterwards clears the error and maps (server default model: it falls back to one the data cover)
    await page.getByTestId('map-file-input').setInputFiles(DM3);
    await page.getByTestId('map-submit').click();
    await page.getByTestId('map-heatmap').first().waitFor({ timeout: 90_000 });
    expect(await page.getByTestId('error-message').count()).toBe(0);
  });

  it('Dataset: structure list → 3D view with defect atoms highlighted, spectra per mode', async () => {
    await open('dataset');
    const rows = page.getByTestId('structure-list').locator('tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(8);
    /** The first listed structure of a defect class (class column matched exactly). */
    const rowOf = (cls: string) =>
      rows.filter({ has: page.locator('td:nth-child(3)', { hasText: new RegExp(`^${cls}$`) }) }).first();
    const viewer = page.getByTestId('structure-viewer');
    // an O vacancy: the cations that lost the O neighbour are highlighted, the vacancy drawn as a sphere
    await rowOf('ovac').click();
    await page.getByTestId('structure-defects').getByText('o-vacancy').waitFor();
    await expect.poll(async () => Number(await viewer.getAttribute('data-defect-atoms'))).toBeGreaterThan(0);
    // a Li/Ni antisite pair
    const row = rowOf('antisite');
    const nSites = Number(await row.locator('td').nth(3).textContent());
    await row.click();
    await page.getByTestId('structure-defects').getByText('antisite').waitFor();
    await viewer.locator('canvas').waitFor();
    await expect.poll(() => viewer.getAttribute('data-atoms')).toBe(String(nSites));
    expect(Number(await viewer.getAttribute('data-defect-atoms'))).toBeGreaterThan(0);
    await page.getByTestId('structure-spectrum').first().waitFor();
    expect(await page.getByTestId('structure-spectrum').count()).toBe(5);
    await page.waitForTimeout(300);
    // the WebGL canvas really shows atoms (SwiftShader): a good part of the view is not background
    const ink = await inkFraction(page, await viewer.screenshot());
    expect(ink).toBeGreaterThan(0.02);
    await shot('dataset');
  });

  it('Model: the evaluation table (single modes and fusions) and the bar chart', async () => {
    await open('model');
    const table = page.getByTestId('evaluation-table');
    await table.waitFor();
    const text = (await table.textContent()) ?? '';
    for (const label of ['O K', 'Ni K', 'fusion']) expect(text).toContain(label);
    expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(7);
    // 95 % intervals in the cells, and one bar group per mode combination in the chart
    expect(text).toMatch(/\[-?\d/);
    await page.getByTestId('evaluation-chart').locator('.barlayer .trace').first().waitFor();
    expect(
      await page.getByTestId('evaluation-chart').locator('.barlayer .trace').count(),
    ).toBeGreaterThanOrEqual(7);
    await page.getByTestId('model-list').waitFor();
    expect(await page.getByTestId('model-list').locator('tbody tr').count()).toBe(3);
    await shot('model');
  });

  it('the browser saw no console error, no page error and no request off the local server', () => {
    expect(problems).toEqual([]);
  });
});
