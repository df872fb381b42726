import { createViewer, elementColors } from '3dmol';
import { type StructureDetail, type StructureItem, api } from '../api.js';
import { clearError, fmt, h, humanMode, humanTarget, showError } from '../dom.js';
import { purge, spectrumPlot } from '../plots.js';
import { section } from './common.js';

/**
 * Dataset: the campaign's structures (paged list) → an interactive 3Dmol.js view of the chosen structure exactly as
 * stored (the supercell as given, Cartesian sites in Å, its cell drawn as a box) with the atoms involved in a
 * defect (antisite atoms, neighbours of an O vacancy) highlighted and vacancy positions shown as translucent
 * spheres; below it the structure's simulated spectra per mode.
 */
const PAGE = 50;

const DEFECT_COLOR = '#ff00ff';
const VACANCY_COLOR = '#ff3030';

export function datasetPage(): HTMLElement {
  let offset = 0;
  let total = 0;
  const errorSlot = h('div', { class: 'error-slot' });
  const info = h('p', { class: 'meta', 'data-testid': 'dataset-info' }, 'loading…');
  const tbody = h('tbody', {});
  const list = h(
    'table',
    { class: 'data clickable', 'data-testid': 'structure-list' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'id'), h('th', {}, 'formula'), h('th', {}, 'class'), h('th', {}, 'sites')),
    ),
    tbody,
  );
  const prev = h('button', { type: 'button', disabled: true }, '‹ previous');
  const next = h('button', { type: 'button', disabled: true }, 'next ›');
  const pager = h('span', { class: 'meta' });
  const detail = h('div', { class: 'structure-detail' });
  let selected: HTMLTableRowElement | undefined;

  const loadPage = async () => {
    try {
      const r = await api.structures(offset, PAGE);
      total = r.total;
      tbody.replaceChildren(...r.items.map(row));
      pager.textContent = `${r.total ? offset + 1 : 0}–${offset + r.items.length} of ${r.total}`;
      prev.disabled = offset === 0;
      next.disabled = offset + PAGE >= total;
    } catch (e) {
      showError(errorSlot, e, 'Structures');
    }
  };
  const row = (s: StructureItem): HTMLTableRowElement => {
    const tr = h(
      'tr',
      { tabindex: 0, 'data-structure-id': String(s.id) },
      h('td', {}, String(s.id)),
      h('td', {}, s.formula),
      h('td', {}, s.defectClass),
      h('td', { class: 'num' }, s.nSites),
    );
    const open = () => {
      selected?.classList.remove('selected');
      tr.classList.add('selected');
      selected = tr;
      void openStructure(s.id);
    };
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        open();
      }
    });
    return tr;
  };
  prev.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    void loadPage();
  });
  next.addEventListener('click', () => {
    offset += PAGE;
    void loadPage();
  });

  const openStructure = async (id: string | number) => {
    clearError(errorSlot);
    for (const el of detail.querySelectorAll<HTMLElement>('.js-plotly-plot')) purge(el);
    detail.replaceChildren(h('p', {}, `loading structure ${id}…`));
    try {
      const [s, sp] = await Promise.all([api.structure(id), api.structureSpectra(id)]);
      const viewerEl = h('div', { class: 'viewer', 'data-testid': 'structure-viewer' });
      const plots = h('div', { class: 'plots' });
      detail.replaceChildren(
        section(
          `${s.formula} (structure ${s.id})`,
          h('div', { class: 'viewer-row' }, viewerEl, structureSide(s)),
        ),
        section('Simulated spectra', plots),
      );
      renderStructure(viewerEl, s);
      for (const m of sp.modes) {
        const el = h('div', {
          class: 'plot small',
          'data-testid': 'structure-spectrum',
          'data-mode': m.mode,
        });
        plots.append(el);
        await spectrumPlot(el, {
          title: humanMode(m.mode),
          series: [{ name: `structure ${s.id}`, x: m.energy, y: m.intensity }],
          height: 260,
        });
      }
      if (!sp.modes.length)
        plots.append(h('p', { class: 'meta' }, 'no simulated spectra stored for this structure'));
    } catch (e) {
      detail.replaceChildren();
      showError(errorSlot, e, `Structure ${id}`);
    }
  };

  api
    .dataset()
    .then((d) => {
      info.textContent = `${d.name}: ${d.structures} structures, ${d.samples} samples, modes ${d.modes.map(humanMode).join(', ')}`;
      return loadPage();
    })
    .catch((e) => {
      info.textContent = '';
      showError(errorSlot, e, 'Dataset');
    });

  return h(
    'div',
    { class: 'page', 'data-page': 'dataset' },
    h('h1', {}, 'Browse the campaign'),
    info,
    errorSlot,
    h(
      'div',
      { class: 'dataset-layout' },
      section('Structures', list, h('div', { class: 'controls' }, prev, pager, next)),
      detail,
    ),
  );
}

function structureSide(s: StructureDetail): HTMLElement {
  const nDefectAtoms = s.sites.filter((x) => x.defect).length;
  return h(
    'div',
    { class: 'viewer-side' },
    h('h3', {}, 'Defects'),
    s.defects.length
      ? h(
          'ul',
          { 'data-testid': 'structure-defects' },
          s.defects.map((d) =>
            h(
              'li',
              {},
              `${d.kind}`,
              d.sites.length ? ` — sites ${d.sites.join(', ')}` : '',
              d.position ? ` at (${d.position.map((v) => fmt(v)).join(', ')}) Å` : '',
            ),
          ),
        )
      : h('p', { class: 'meta' }, 'none (pristine)'),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'swatch', style: `background:${DEFECT_COLOR}` }),
      ` defect atoms (${nDefectAtoms})  `,
      h('span', { class: 'swatch', style: `background:${VACANCY_COLOR};opacity:.5` }),
      ' vacancy',
    ),
    h(
      'p',
      { class: 'legend', 'data-testid': 'element-legend' },
      [...new Set(s.sites.map((x) => x.element))].map((el) =>
        h(
          'span',
          { class: 'legend-item' },
          h('span', { class: 'swatch', style: `background:${jmolColor(el)}` }),
          ` ${el} `,
        ),
      ),
    ),
    h('h3', {}, 'Labels'),
    h(
      'table',
      { class: 'data compact' },
      h(
        'tbody',
        {},
        Object.entries(s.labels).map(([k, v]) =>
          h('tr', {}, h('td', {}, humanTarget(k)), h('td', { class: 'num' }, fmt(v))),
        ),
      ),
    ),
    h('p', { class: 'meta' }, `${s.sites.length} atoms; drag to rotate, scroll to zoom`),
  );
}

/** The Jmol colour 3Dmol.js uses for an element, as CSS. */
function jmolColor(el: string): string {
  const c = (elementColors.Jmol as Record<string, unknown>)[el];
  return typeof c === 'number'
    ? `#${c.toString(16).padStart(6, '0')}`
    : typeof c === 'string'
      ? c
      : '#999999';
}

/** XYZ text of the sites as stored (Cartesian Å): the supercell exactly as given, nothing folded or repeated. */
export function toXyz(s: StructureDetail): string {
  const lines = [String(s.sites.length), `${s.formula} structure ${s.id}`];
  for (const a of s.sites) lines.push(`${a.element} ${a.cart[0]} ${a.cart[1]} ${a.cart[2]}`);
  return `${lines.join('\n')}\n`;
}

function renderStructure(el: HTMLElement, s: StructureDetail): void {
  const viewer = createViewer(el, { backgroundColor: 'white', antialias: true });
  viewer.addModel(toXyz(s), 'xyz');
  viewer.setStyle(
    {},
    { sphere: { scale: 0.28, colorscheme: 'Jmol' }, stick: { radius: 0.08, colorscheme: 'Jmol' } },
  );
  const defectIdx = s.sites.flatMap((x, i) => (x.defect ? [i] : []));
  if (defectIdx.length)
    viewer.setStyle(
      { index: defectIdx },
      { sphere: { scale: 0.48, color: DEFECT_COLOR }, stick: { radius: 0.08, colorscheme: 'Jmol' } },
    );
  for (const d of s.defects)
    if (d.position && d.position.length === 3)
      viewer.addSphere({
        center: { x: d.position[0]!, y: d.position[1]!, z: d.position[2]! },
        radius: 0.7,
        color: VACANCY_COLOR,
        opacity: 0.45,
      });
  drawCell(viewer, s.lattice);
  viewer.zoomTo();
  viewer.render();
  el.dataset.atoms = String(viewer.getModel()?.selectedAtoms({}).length ?? 0);
  el.dataset.defectAtoms = String(defectIdx.length);
}

type Viewer = ReturnType<typeof createViewer>;

function drawCell(viewer: Viewer, lattice: readonly (readonly number[])[]): void {
  if (lattice.length !== 3 || lattice.some((v) => v.length !== 3)) return;
  const [a, b, c] = lattice as [number[], number[], number[]];
  const p = (i: number, j: number, k: number) => ({
    x: i * a[0]! + j * b[0]! + k * c[0]!,
    y: i * a[1]! + j * b[1]! + k * c[1]!,
    z: i * a[2]! + j * b[2]! + k * c[2]!,
  });
  const edges: [number[], number[]][] = [];
  for (const [i, j, k] of [
    [0, 0, 0],
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [1, 1, 0],
    [1, 0, 1],
    [0, 1, 1],
    [1, 1, 1],
  ] as [number, number, number][]) {
    if (i === 0)
      edges.push([
        [i, j, k],
        [1, j, k],
      ]);
    if (j === 0)
      edges.push([
        [i, j, k],
        [i, 1, k],
      ]);
    if (k === 0)
      edges.push([
        [i, j, k],
        [i, j, 1],
      ]);
  }
  for (const [u, v] of edges)
    viewer.addLine({
      start: p(u[0]!, u[1]!, u[2]!),
      end: p(v[0]!, v[1]!, v[2]!),
      color: '#555555',
      dashed: false,
    });
}
