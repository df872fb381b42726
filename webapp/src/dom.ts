import { errorText } from './api.js';

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | number | null | undefined | false;

/** Create an element: attributes (`class`, `data-testid`, `for`…) set with setAttribute; `false`/undefined skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? String(c) : c);
  }
  return el;
}

/** Replace the content of an error slot with the error's message (the server's own text for API errors). */
export function showError(slot: HTMLElement, e: unknown, context?: string): void {
  slot.replaceChildren(
    h(
      'div',
      { class: 'error', role: 'alert', 'data-testid': 'error-message' },
      h('strong', {}, context ? `${context}: ` : 'Error: '),
      errorText(e),
    ),
  );
}

export function clearError(slot: HTMLElement): void {
  slot.replaceChildren();
}

/** Format a number for tables: 3 significant digits, small/large in exponent form; null/NaN as an em dash. */
export function fmt(v: number | string | null | undefined, digits = 3): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export function humanMode(m: string): string {
  const [el, edge] = m.split(':');
  if (!el || !edge) return m;
  return `${el} ${edge === 'L23' ? 'L₂,₃' : edge}`;
}

export function humanTarget(t: string): string {
  return t.replace(/_/g, ' ');
}

/** A file picker + drop zone; calls `onFiles` with what was chosen or dropped. */
export function dropZone(opts: {
  testId: string;
  multiple: boolean;
  label: string;
  accept?: string;
  onFiles: (files: File[]) => void;
}): HTMLElement {
  const input = h('input', {
    type: 'file',
    'data-testid': opts.testId,
    multiple: opts.multiple,
    accept: opts.accept,
    id: `${opts.testId}-el`,
  });
  input.addEventListener('change', () => opts.onFiles(Array.from(input.files ?? [])));
  const zone = h(
    'label',
    { class: 'drop-zone', for: `${opts.testId}-el` },
    h('span', { class: 'drop-title' }, opts.label),
    h('span', { class: 'drop-hint' }, 'Drop files here or click to choose'),
    input,
  );
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    const files = Array.from(ev.dataTransfer?.files ?? []);
    if (files.length) opts.onFiles(opts.multiple ? files : files.slice(0, 1));
  });
  return zone;
}

export function predictionTable(
  preds: readonly {
    target: string;
    task: string;
    value: number | string | null;
    interval?: readonly [number | null, number | null];
    probabilities?: Readonly<Record<string, number | null>>;
  }[],
  testId?: string,
): HTMLTableElement {
  return h(
    'table',
    { class: 'data', 'data-testid': testId },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'target'),
        h('th', {}, 'prediction'),
        h('th', {}, 'interval'),
        h('th', {}, 'task'),
      ),
    ),
    h(
      'tbody',
      {},
      preds.map((p) =>
        h(
          'tr',
          { 'data-target': p.target },
          h('td', {}, humanTarget(p.target)),
          h('td', { class: 'num' }, fmt(p.value)),
          h(
            'td',
            { class: 'num' },
            p.interval
              ? `[${fmt(p.interval[0])}, ${fmt(p.interval[1])}]`
              : p.probabilities
                ? Object.entries(p.probabilities)
                    .map(([k, v]) => `P(${k}) = ${fmt(v, 2)}`)
                    .join(', ')
                : '—',
          ),
          h('td', {}, p.task),
        ),
      ),
    ),
  );
}
