import { type AnalyzeMode, type AnalyzeResult, api } from '../api.js';
import { clearError, dropZone, fmt, h, humanMode, predictionTable, showError } from '../dom.js';
import { spectrumPlot } from '../plots.js';
import { modelSelect, section } from './common.js';

/**
 * Analyze: measured files (XDI, Athena .prj, MSA, DM3/DM4, CSV) → POST /api/analyze → per mode the preprocessed
 * measured spectrum against the ≤ 3 nearest simulated spectra of the training set with the model's importance over
 * energy shaded underneath, the predictions with intervals, and the out-of-distribution verdict.
 */
export function analyzePage(): HTMLElement {
  let files: File[] = [];
  const errorSlot = h('div', { class: 'error-slot' });
  const results = h('div', { class: 'results', 'data-testid': 'analyze-results' });
  const chosen = h('ul', { class: 'file-list', 'data-testid': 'analyze-file-list' });
  const submit = h('button', { type: 'button', 'data-testid': 'analyze-submit', disabled: true }, 'Analyze');
  const model = modelSelect('analyze-model');
  const technique = h(
    'select',
    { 'aria-label': 'technique', 'data-testid': 'analyze-technique' },
    h('option', { value: '' }, 'technique: from the file'),
    h('option', { value: 'EELS' }, 'EELS'),
    h('option', { value: 'XAS' }, 'XAS'),
  );
  const continuumStep = h(
    'select',
    { 'aria-label': 'L2,3 continuum-step removal', 'data-testid': 'analyze-continuum-step' },
    h('option', { value: '' }, 'L2,3 continuum step: auto'),
    h('option', { value: 'on' }, 'remove the step'),
    h('option', { value: 'off' }, 'keep the step'),
  );
  const maxShift = h('input', {
    type: 'number',
    min: 0,
    step: 0.5,
    placeholder: 'max shift, eV',
    'aria-label': 'maximum energy shift in eV',
    class: 'narrow',
  });
  const status = h('span', { class: 'status', 'aria-live': 'polite' });

  const setFiles = (f: File[]) => {
    files = f;
    chosen.replaceChildren(...f.map((x) => h('li', {}, `${x.name} (${(x.size / 1024).toFixed(1)} KiB)`)));
    submit.disabled = f.length === 0;
  };

  submit.addEventListener('click', async () => {
    if (!files.length) return;
    const form = new FormData();
    if (model.value) form.append('model', model.value);
    if (technique.value) form.append('technique', technique.value);
    if (maxShift.value) form.append('maxShift', maxShift.value);
    if (continuumStep.value) form.append('continuumStep', continuumStep.value);
    for (const f of files) form.append('file', f, f.name);
    clearError(errorSlot);
    submit.disabled = true;
    status.textContent = 'analysing…';
    results.replaceChildren();
    try {
      const r = await api.analyze(form);
      await renderResult(results, r);
      status.textContent = `done: model ${r.model}`;
    } catch (e) {
      status.textContent = '';
      showError(errorSlot, e, 'Analysis failed');
    } finally {
      submit.disabled = files.length === 0;
    }
  });

  return h(
    'div',
    { class: 'page', 'data-page': 'analyze' },
    h('h1', {}, 'Analyze measured spectra'),
    h(
      'p',
      { class: 'lead' },
      'Choose or drop measured files (XDI, Athena .prj, MSA, DM3/DM4, CSV). Each spectrum is preprocessed, compared with the nearest simulated spectra, and the model predicts the local structure with intervals.',
    ),
    section(
      'Input',
      dropZone({
        testId: 'analyze-file-input',
        multiple: true,
        label: 'Measured spectra',
        onFiles: setFiles,
      }),
      chosen,
      h('div', { class: 'controls' }, model, technique, continuumStep, maxShift, submit, status),
    ),
    errorSlot,
    results,
  );
}

function oodBadge(ood: AnalyzeResult['ood']): HTMLElement {
  const text = ood.flagged
    ? `out of distribution — score ${fmt(ood.score)} > threshold ${fmt(ood.threshold)}`
    : `in distribution — score ${fmt(ood.score)} ≤ threshold ${fmt(ood.threshold)}`;
  return h(
    'span',
    {
      class: `badge ${ood.flagged ? 'bad' : 'good'}`,
      'data-testid': 'ood-badge',
      'data-flagged': String(ood.flagged),
      title: 'Mahalanobis-type distance of the fused features from the training set',
    },
    text,
  );
}

async function renderResult(root: HTMLElement, r: AnalyzeResult): Promise<void> {
  const head = section(
    'Predictions',
    h(
      'p',
      { class: 'meta' },
      `model ${r.model} · files: ${r.files.map((f) => `${f.name} (${f.kind})`).join(', ')} · `,
      oodBadge(r.ood),
    ),
    r.missingModes.length
      ? h(
          'p',
          { class: 'warn' },
          `modes not covered by the data: ${r.missingModes.map(humanMode).join(', ')}`,
        )
      : null,
    r.warnings.length
      ? h(
          'ul',
          { class: 'warnings', 'data-testid': 'analyze-warnings' },
          r.warnings.map((w) => h('li', {}, w)),
        )
      : null,
    predictionTable(r.predictions, 'prediction-table'),
  );
  const plots = h('div', { class: 'plots' });
  root.replaceChildren(head, section('Spectra: measured vs nearest simulated', plots));
  for (const m of r.modes) {
    const info = h('p', { class: 'meta' }, modeInfo(m));
    const el = h('div', { class: 'plot', 'data-testid': 'spectrum-plot', 'data-mode': m.mode });
    plots.append(h('div', { class: 'plot-wrap' }, info, el));
    await spectrumPlot(el, {
      title: humanMode(m.mode),
      series: [
        { name: 'measured', x: m.energy, y: m.measured },
        ...m.nearest.slice(0, 3).map((n, i) => ({
          name: `#${i + 1} ${n.formula} ${n.defectClass} (d=${fmt(n.distance, 2)})`,
          x: m.energy,
          y: n.intensity,
          dash: 'dash' as const,
          width: 1.3,
        })),
      ],
      importance: { x: m.energy, y: m.importance },
      height: 380,
    });
  }
}

function modeInfo(m: AnalyzeMode): string {
  const cal = m.calibrationShift_eV ? ` (calibration ${fmt(m.calibrationShift_eV)} eV)` : '';
  const step = m.continuumStep?.applied
    ? ` · continuum step removed (${fmt(100 * (m.continuumStep.relHeight ?? Number.NaN))} % of the maximum)`
    : '';
  return `${humanMode(m.mode)} from ${m.source} · shift ${fmt(m.shift_eV)} eV${cal}${step} · SNR ${fmt(m.snr)}`;
}
