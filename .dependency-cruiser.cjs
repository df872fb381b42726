/**
 * Layer map (see README): a module may import only from its own layer or a lower one.
 * Floors: 1 math, core · 2 structure, spectrum · 3 io, preprocess, simulate · 4 dataset · 5 ml · 6 infer, pipeline · 7 cli, web.
 * Within floor 3 the order is io → preprocess → simulate (simulate may read files and preprocess; not the reverse).
 * Within floor 1, math may use core (errors, units); within floor 2, spectrum may use structure.
 */
const order = ['core', 'math', 'structure', 'spectrum', 'io', 'preprocess', 'simulate', 'dataset', 'ml', 'infer', 'pipeline', 'cli', 'web'];
const forbidden = [
  {
    name: 'no-circular',
    severity: 'error',
    comment: 'Import cycles are forbidden.',
    from: {},
    to: { circular: true },
  },
];
order.forEach((lower, i) => {
  const higher = order.slice(i + 1).filter((h) => !(lower === 'cli' && h === 'web'));
  if (higher.length === 0) return;
  forbidden.push({
    name: `layer-${lower}`,
    severity: 'error',
    comment: `src/${lower} may not import from higher layers (${higher.join(', ')}).`,
    from: { path: `^src/${lower}/` },
    to: { path: `^src/(${higher.join('|')})/` },
  });
});
// web is a face like cli; cli may start the web server (serve), web never imports cli.
forbidden.push({
  name: 'layer-web-cli',
  severity: 'error',
  comment: 'src/web may not import from src/cli.',
  from: { path: '^src/web/' },
  to: { path: '^src/cli/' },
});
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
