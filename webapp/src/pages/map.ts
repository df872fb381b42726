import { type MapResult, type PixelDetail, api } from '../api.js';
import { clearError, dropZone, fmt, h, humanMode, humanTarget, predictionTable, showError } from '../dom.js';
import { heatmapPlot, markCell, spectrumPlot } from '../plots.js';
import { modelSelect, section } from './common.js';

/**
 * Map: a spectrum image (DM3/DM4) → POST /api/maps → one heat map per predicted quantity with a colour bar,
 * flagged (unreliable) pixels greyed. Clicking a pixel — or choosing it by row/column — loads that pixel's
 * preprocessed spectra and predictions from /api/maps/:id/pixels/:iy/:ix.
 */
export function mapPage(): HTMLElement {
  let file: File | undefined;
  let current: MapResult | undefined;
  const errorSlot = h('div', { class: 'error-slot' });
  const maps = h('div', { class: 'heatmaps' });
  const detail = h('div', { class: 'pixel-detail', 'data-testid': 'pixel-detail', hidden: true });
  const summary = h('p', { class: 'meta', 'data-testid': 'map-summary' });
  const chosen = h('span', { class: 'file-name' });
  const submit = h('button', { type: 'button', 'data-testid': 'map-submit', disabled: true }, 'Map');
  const model = modelSelect('map-model');
  const bin = h('input', {
    type: 'number',
    min: 1,
    max: 8,
    step: 1,
    value: 1,
    class: 'narrow',
    'aria-label': 'binning (pixels per side)',
    title: 'navigation binning: n×n pixels summed before prediction',
  });
  const status = h('span', { class: 'status', 'aria-live': 'polite' });
  const iyIn = h('input', {
    type: 'number',
    min: 0,
    value: 0,
    class: 'narrow',
    'aria-label': 'pixel row iy',
  });
  const ixIn = h('input', {
    type: 'number',
    min: 0,
    value: 0,
    class: 'narrow',
    'aria-label': 'pixel column ix',
  });
  const pickBtn = h('button', { type: 'button', 'data-testid': 'pixel-show' }, 'Show pixel');
  const picker = h('div', { class: 'controls', hidden: true }, 'Pixel iy', iyIn, 'ix', ixIn, pickBtn);

  const showPixel = async (iy: number, ix: number) => {
    if (!current) return;
    iyIn.value = String(iy);
    ixIn.value = String(ix);
    for (const el of maps.querySelectorAll<HTMLElement>('[data-testid=map-heatmap]'))
      void markCell(el, iy, ix);
    clearError(errorSlot);
    detail.hidden = false;
    detail.setAttribute('aria-busy', 'true');
    detail.replaceChildren(h('p', {}, `loading pixel (${iy}, ${ix})…`));
    try {
      const p = await api.pixel(current.id, iy, ix);
      await renderPixel(detail, p);
    } catch (e) {
      detail.replaceChildren();
      detail.hidden = true;
      showError(errorSlot, e, `Pixel (${iy}, ${ix})`);
    } finally {
      detail.removeAttribute('aria-busy');
    }
  };
  pickBtn.addEventListener('click', () => showPixel(Number(iyIn.value), Number(ixIn.value)));

  submit.addEventListener('click', async () => {
    if (!file) return;
    const form = new FormData();
    if (model.value) form.append('model', model.value);
    if (bin.value && bin.value !== '1') form.append('bin', bin.value);
    form.append('file', file, file.name);
    clearError(errorSlot);
    submit.disabled = true;
    status.textContent = 'mapping… (every pixel is preprocessed and predicted)';
    maps.replaceChildren();
    detail.hidden = true;
    picker.hidden = true;
    summary.replaceChildren();
    try {
      const r = await api.map(form);
      current = r;
      const [ny, nx] = r.shape;
      const nFlag = r.flagged.filter((f) => f).length;
      summary.replaceChildren(
        `${r.model ? `model ${r.model} · ` : ''}${ny} × ${nx} pixels (binning ${r.bin}), ${nFlag} flagged (grey) · click a pixel for its spectra and prediction`,
        r.warnings?.length
          ? h(
              'ul',
              { class: 'warnings', 'data-testid': 'map-warnings' },
              r.warnings.map((w) => h('li', {}, w)),
            )
          : '',
      );
      iyIn.max = String(ny - 1);
      ixIn.max = String(nx - 1);
      picker.hidden = false;
      for (const layer of r.layers) {
        const el = h('div', {
          class: 'plot heatmap',
          'data-testid': 'map-heatmap',
          'data-target': layer.target,
        });
        maps.append(el);
        const gd = await heatmapPlot(el, {
          title: humanTarget(layer.target),
          shape: r.shape,
          values: layer.values,
          flagged: r.flagged,
          colorbarTitle: layer.task === 'classification' ? 'P(yes)' : humanTarget(layer.target),
          classification: layer.task === 'classification',
        });
        gd.on('plotly_click', (ev) => {
          const p = ev.points[0];
          if (p) void showPixel(Math.round(Number(p.y)), Math.round(Number(p.x)));
        });
      }
      status.textContent = '';
    } catch (e) {
      status.textContent = '';
      showError(errorSlot, e, 'Mapping failed');
    } finally {
      submit.disabled = !file;
    }
  });

  return h(
    'div',
    { class: 'page', 'data-page': 'map' },
    h('h1', {}, 'Map a spectrum image'),
    h(
      'p',
      { class: 'lead' },
      'Upload an EELS spectrum image (DM3/DM4). Every pixel is preprocessed and predicted; each quantity is shown as a heat map, and pixels the model should not be trusted on are greyed.',
    ),
    section(
      'Input',
      dropZone({
        testId: 'map-file-input',
        multiple: false,
        label: 'Spectrum image',
        onFiles: (f) => {
          file = f[0];
          chosen.textContent = file ? `${file.name} (${(file.size / 1024).toFixed(1)} KiB)` : '';
          submit.disabled = !file;
        },
      }),
      chosen,
      h('div', { class: 'controls' }, model, h('label', {}, 'binning ', bin), submit, status),
    ),
    errorSlot,
    summary,
    picker,
    h('div', { class: 'map-layout' }, maps, detail),
  );
}

async function renderPixel(root: HTMLElement, p: PixelDetail): Promise<void> {
  const plots = h('div', { class: 'plots' });
  root.replaceChildren(
    h('h2', {}, `Pixel iy ${p.iy}, ix ${p.ix}`),
    p.flags.length
      ? h('p', { class: 'warn', 'data-testid': 'pixel-flags' }, `flags: ${p.flags.join('; ')}`)
      : h('p', { class: 'meta' }, 'no flags'),
    predictionTable(p.predictions, 'pixel-prediction-table'),
    plots,
  );
  for (const m of p.modes) {
    const el = h('div', { class: 'plot small', 'data-testid': 'pixel-spectrum', 'data-mode': m.mode });
    plots.append(el);
    await spectrumPlot(el, {
      title: `${humanMode(m.mode)} at (${p.iy}, ${p.ix})`,
      series: [{ name: 'measured', x: m.energy, y: m.measured }],
      height: 240,
    });
  }
  if (!p.modes.length) plots.append(h('p', { class: 'meta' }, `no spectra for this pixel (${fmt(null)})`));
}
