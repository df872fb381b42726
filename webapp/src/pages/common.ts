import { type ModelSummary, api } from '../api.js';
import { h, humanMode } from '../dom.js';

/** A model chooser filled from /api/models ("server default" = the all-mode fused model, else the first). */
export function modelSelect(testId: string, onLoaded?: (models: ModelSummary[]) => void): HTMLSelectElement {
  const sel = h(
    'select',
    { 'data-testid': testId, 'aria-label': 'model' },
    h('option', { value: '' }, 'server default'),
  );
  api
    .models()
    .then((r) => {
      for (const m of r.models)
        sel.append(
          h('option', { value: m.id, title: m.name }, `${m.id} — ${m.modes.map(humanMode).join(' + ')}`),
        );
      onLoaded?.(r.models);
    })
    .catch(() => {
      sel.append(h('option', { value: '', disabled: true }, '(no models available)'));
    });
  return sel;
}

export function section(title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}
