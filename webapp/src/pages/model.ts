import { type Evaluation, api } from '../api.js';
import { fmt, h, humanMode, humanTarget, showError } from '../dom.js';
import { barPlot } from '../plots.js';
import { section } from './common.js';

/**
 * Model: the models the server has, and the main job's single-mode vs fused evaluation (grouped cross-validation
 * with 95 % bootstrap intervals) as a table and a bar chart of each target's headline metric.
 */
interface Cell {
  value: number | null;
  lo?: number | null;
  hi?: number | null;
}
interface StudyRow {
  kind?: string;
  label: string;
  modes?: string[];
  metrics: Record<string, Record<string, Cell>>;
}
interface StudyTarget {
  name: string;
  task?: string;
  metrics?: string[];
  skipped?: string;
}

const METRIC_LABEL: Record<string, string> = {
  r2: 'R²',
  mae: 'MAE',
  rmse: 'RMSE',
  accuracy: 'accuracy',
  f1: 'F1',
  auc: 'AUC',
};

export function modelPage(): HTMLElement {
  const errorSlot = h('div', { class: 'error-slot' });
  const modelsBox = h('div', { class: 'models' }, 'loading…');
  const evalBox = h('div', {}, 'loading…');
  const chart = h('div', { class: 'plot', 'data-testid': 'evaluation-chart' });

  api
    .models()
    .then((r) => {
      modelsBox.replaceChildren(
        r.models.length
          ? h(
              'table',
              { class: 'data', 'data-testid': 'model-list' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', {}, 'id'),
                  h('th', {}, 'name'),
                  h('th', {}, 'modes'),
                  h('th', {}, 'targets'),
                  h('th', {}, 'trained on'),
                ),
              ),
              h(
                'tbody',
                {},
                r.models.map((m) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, m.id),
                    h('td', {}, m.name),
                    h('td', {}, m.modes.map(humanMode).join(' + ')),
                    h('td', {}, m.targets.map((t) => `${humanTarget(t.name)} (${t.task})`).join(', ')),
                    h('td', { class: 'num' }, m.trainedOn === undefined ? '—' : `${m.trainedOn} samples`),
                  ),
                ),
              ),
            )
          : h('p', { class: 'meta' }, 'no models in the models folder'),
      );
    })
    .catch((e) => {
      modelsBox.replaceChildren();
      showError(errorSlot, e, 'Models');
    });

  api
    .evaluation()
    .then(async (ev) => {
      const study = studyTable(ev);
      evalBox.replaceChildren(
        typeof ev['conclusion'] === 'string'
          ? h('p', { class: 'conclusion' }, ev['conclusion'] as string)
          : '',
        study?.protocol ? h('p', { class: 'meta' }, study.protocol) : '',
        h('div', { class: 'table-scroll' }, evaluationTable(ev, study)),
      );
      if (study) await renderChart(chart, study);
      else chart.remove();
    })
    .catch((e) => {
      evalBox.replaceChildren();
      chart.remove();
      showError(errorSlot, e, 'Evaluation');
    });

  return h(
    'div',
    { class: 'page', 'data-page': 'model' },
    h('h1', {}, 'Models and evaluation'),
    errorSlot,
    section('Models', modelsBox),
    section('Single mode vs fused (grouped cross-validation, 95 % intervals)', evalBox, chart),
  );
}

/** The main job's own table (`evaluation.json` → table.{targets, rows[].metrics}), if present in either place. */
function studyTable(
  ev: Evaluation,
): { protocol?: string; targets: StudyTarget[]; rows: StudyRow[] } | undefined {
  for (const cand of [ev['evaluationTable'], ev['study'], ev.table, ev]) {
    const t = cand as { protocol?: string; targets?: unknown; rows?: unknown } | undefined;
    if (
      t &&
      Array.isArray(t.targets) &&
      Array.isArray(t.rows) &&
      t.rows.every((r) => r && typeof r === 'object' && !Array.isArray(r) && 'metrics' in r)
    )
      return t as { protocol?: string; targets: StudyTarget[]; rows: StudyRow[] };
  }
  return undefined;
}

function evaluationTable(
  ev: Evaluation,
  study: { targets: StudyTarget[]; rows: StudyRow[] } | undefined,
): HTMLTableElement {
  // 1. the study's own table (intervals included): one row per mode combination, one column per target × metric
  if (study) {
    const cols = study.targets
      .filter((x) => !x.skipped)
      .flatMap((x) => (x.metrics ?? []).map((m) => [x.name, m] as const));
    return h(
      'table',
      { class: 'data', 'data-testid': 'evaluation-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'modes'),
          cols.map(([tn, m]) => h('th', {}, `${humanTarget(tn)} ${METRIC_LABEL[m] ?? m}`)),
        ),
      ),
      h(
        'tbody',
        {},
        study.rows.map((r) =>
          h(
            'tr',
            { class: r.kind && r.kind !== 'single' ? 'fusion' : '' },
            h('td', { class: 'label' }, r.label),
            cols.map(([tn, m]) => {
              const c = r.metrics[tn]?.[m];
              return h(
                'td',
                { class: 'num' },
                c ? `${fmt(c.value)} [${fmt(c.lo ?? null)}, ${fmt(c.hi ?? null)}]` : '—',
              );
            }),
          ),
        ),
      ),
    );
  }
  // 2. a ready-made table from the server: { columns, rows: (string|number|null)[][] }
  const t = ev.table as { columns?: unknown; rows?: unknown } | undefined;
  if (t && Array.isArray(t.columns) && Array.isArray(t.rows) && t.rows.every((r) => Array.isArray(r)))
    return h(
      'table',
      { class: 'data', 'data-testid': 'evaluation-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          (t.columns as string[]).map((c) => h('th', {}, String(c))),
        ),
      ),
      h(
        'tbody',
        {},
        (t.rows as unknown[][]).map((r) =>
          h(
            'tr',
            {},
            r.map((c) =>
              h(
                'td',
                { class: typeof c === 'number' ? 'num' : '' },
                typeof c === 'number' ? fmt(c) : c === null ? '—' : String(c),
              ),
            ),
          ),
        ),
      ),
    );
  // 3. flat rows: { label, modes, target, metric, value, lower, upper }
  const rows = ev.rows ?? [];
  return h(
    'table',
    { class: 'data', 'data-testid': 'evaluation-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['modes', 'target', 'metric', 'value', '95 % interval'].map((c) => h('th', {}, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          h('td', {}, r.label),
          h('td', {}, humanTarget(r.target)),
          h('td', {}, METRIC_LABEL[r.metric] ?? r.metric),
          h('td', { class: 'num' }, fmt(r.value)),
          h('td', { class: 'num' }, r.lower != null ? `[${fmt(r.lower)}, ${fmt(r.upper ?? null)}]` : '—'),
        ),
      ),
    ),
  );
}

/** Headline metric per target (R² for regression, AUC for classification — as the study's verdicts use). */
async function renderChart(
  el: HTMLElement,
  study: { targets: StudyTarget[]; rows: StudyRow[] },
): Promise<void> {
  const targets = study.targets.filter((t) => !t.skipped);
  const metricOf = (t: StudyTarget) =>
    t.task === 'classification'
      ? t.metrics?.includes('auc')
        ? 'auc'
        : (t.metrics?.[0] ?? 'accuracy')
      : 'r2';
  const cats = targets.map((t) => `${humanTarget(t.name)} (${METRIC_LABEL[metricOf(t)] ?? metricOf(t)})`);
  const greys = ['#c7c7c7', '#b0b0b0', '#9a9a9a', '#858585', '#d4d4d4', '#a3a3a3', '#8f8f8f', '#bdbdbd'];
  let single = 0;
  const groups = study.rows.map((r) => {
    const cell = (t: StudyTarget) => r.metrics[t.name]?.[metricOf(t)];
    const isFusion = r.kind !== undefined && r.kind !== 'single';
    return {
      name: r.label,
      values: targets.map((t) => cell(t)?.value ?? null),
      lo: targets.map((t) => cell(t)?.lo ?? null),
      hi: targets.map((t) => cell(t)?.hi ?? null),
      color: isFusion ? (r.kind === 'all-fusion' ? '#d62728' : '#1f77b4') : greys[single++ % greys.length]!,
    };
  });
  await barPlot(el, {
    title: 'Single modes (grey) vs fusion (colour)',
    categories: cats,
    groups,
    yTitle: 'metric (higher is better)',
  });
}
