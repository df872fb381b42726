import './style.css';
import { api } from './api.js';
import { h } from './dom.js';
import { analyzePage } from './pages/analyze.js';
import { datasetPage } from './pages/dataset.js';
import { mapPage } from './pages/map.js';
import { modelPage } from './pages/model.js';

/**
 * specfuse web app shell: hash routes #/analyze, #/map, #/dataset, #/model. Each page is built on first visit and
 * kept (a map or an analysis survives switching pages).
 */
const ROUTES = {
  analyze: { label: 'Analyze', build: analyzePage },
  map: { label: 'Map', build: mapPage },
  dataset: { label: 'Dataset', build: datasetPage },
  model: { label: 'Model', build: modelPage },
} as const;
type Route = keyof typeof ROUTES;

const built = new Map<Route, HTMLElement>();
const main = h('main', { id: 'main' });
const health = h('span', { class: 'health', 'data-testid': 'server-health' });
const nav = h(
  'nav',
  { 'aria-label': 'pages' },
  (Object.keys(ROUTES) as Route[]).map((r) =>
    h('a', { href: `#/${r}`, 'data-testid': `nav-${r}`, 'data-route': r }, ROUTES[r].label),
  ),
);

function current(): Route {
  const r = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] as Route;
  return r in ROUTES ? r : 'analyze';
}

function show(): void {
  const r = current();
  if (!built.has(r)) {
    const page = ROUTES[r].build();
    built.set(r, page);
    main.append(page);
  }
  for (const [k, el] of built) el.hidden = k !== r;
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.route === r);
  document.title = `specfuse — ${ROUTES[r].label}`;
  // Plotly sizes plots to their container: resize the ones that were laid out while hidden
  window.dispatchEvent(new Event('resize'));
}

document.body.append(
  h(
    'header',
    {},
    h('a', { class: 'brand', href: '#/analyze' }, 'specfuse'),
    h('span', { class: 'tagline' }, 'local structure from multimodal core-level spectroscopy'),
    nav,
    health,
  ),
  main,
);
window.addEventListener('hashchange', show);
show();
api
  .health()
  .then((hl) => {
    health.textContent = `v${hl.version} · ${hl.models} model${hl.models === 1 ? '' : 's'}${hl.db ? ' · campaign loaded' : ' · no campaign'}`;
  })
  .catch(() => {
    health.textContent = 'server unreachable';
    health.classList.add('bad');
  });
