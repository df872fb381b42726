import { describe, expect, it } from 'vitest';
import { type StudyTable, conclusionParagraph, tableMarkdown, verdicts } from './table.js';

const c = (value: number, lo: number, hi: number) => ({ value, lo, hi });
const table: StudyTable = {
  protocol: 'grouped 5-fold CV',
  targets: [
    { name: 'o_vacancy', task: 'classification', metrics: ['accuracy', 'f1', 'auc'] },
    { name: 'li_content', task: 'regression', metrics: ['r2', 'mae'] },
    { name: 'mn_content', task: 'regression', metrics: ['r2', 'mae'], skipped: 'constant in the dataset' },
  ],
  rows: [
    {
      kind: 'single',
      label: 'Ni L2,3',
      modes: ['Ni:L23'],
      metrics: {
        o_vacancy: { auc: c(0.7, 0.6, 0.8) },
        li_content: { r2: c(0.5, 0.4, 0.6), mae: c(0.05, 0.04, 0.06) },
      },
    },
    {
      kind: 'single',
      label: 'Co L2,3',
      modes: ['Co:L23'],
      metrics: {
        o_vacancy: { auc: c(0.75, 0.65, 0.85) },
        li_content: { r2: c(0.8, 0.7, 0.9), mae: c(0.02, 0.01, 0.03) },
      },
    },
    {
      kind: 'all-fusion',
      label: 'all',
      modes: ['Ni:L23', 'Co:L23'],
      metrics: {
        o_vacancy: { auc: c(0.95, 0.9, 0.99) },
        li_content: { r2: c(0.7, 0.6, 0.8), mae: c(0.03, 0.02, 0.04) },
      },
    },
  ],
};

describe('study table', () => {
  it('finds the best single mode per target and judges the fusion with intervals', () => {
    const v = verdicts(table);
    const ov = v.find((x) => x.target === 'o_vacancy')!;
    expect(ov.bestSingle.label).toBe('Co L2,3');
    expect(ov.better).toBe(true);
    expect(ov.significant).toBe(true); // 0.9 > 0.85
    const li = v.find((x) => x.target === 'li_content')!;
    expect(li.better).toBe(false); // 0.7 < 0.8
    expect(v.find((x) => x.target === 'mn_content')).toBeUndefined();
  });

  it('writes the conclusion from the numbers', () => {
    const text = conclusionParagraph(table, {
      structures: 24,
      excluded: [{ mode: 'O:K', reason: 'engine missing' }],
    });
    expect(text).toContain('24 simulated NMC structures');
    expect(text).toContain('O-vacancy detection (AUC 0.950 fused vs 0.750');
    expect(text).toContain('Li content (R² 0.700 fused vs 0.800');
    expect(text).toContain('Mn content (constant in the dataset)');
    expect(text).toContain('O K (engine missing)');
  });

  it('renders a Markdown table with intervals and notes skipped targets', () => {
    const md = tableMarkdown(table);
    expect(md.split('\n')[0]).toContain('O-vacancy detection AUC');
    expect(md).toContain('0.950 [0.900, 0.990]');
    expect(md).toContain('Mn content: not evaluated');
  });
});
