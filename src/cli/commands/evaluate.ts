import type { Command } from 'commander';
import { compareModes, crossValidate } from '../../ml/index.js';
import { makeOutput, numberOption } from '../context.js';
import { type MlFlags, addDataOptions, loadData, pipelineOptions } from './train.js';

interface EvalFlags extends MlFlags {
  folds?: string;
  bootstrap?: string;
  protocol?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('evaluate')
    .description(
      'grouped k-fold cross-validation; with several modes, the single-mode vs fused table (every mode, every pair, all) with bootstrap 95 % intervals',
    );
  addDataOptions(cmd)
    .option('--folds <k>', 'grouped folds', '5')
    .option('--bootstrap <n>', 'cluster-bootstrap resamples for the 95 % intervals', '1000')
    .option('--protocol <p>', 'compare (every mode combination) | cv (the given modes only)', 'compare')
    .action(async (o: EvalFlags) => {
      const out = makeOutput(Boolean(o.json));
      const { ds, source } = await loadData(o);
      const opts = pipelineOptions(o, ds);
      const k = numberOption(o.folds, 'folds', { min: 2, integer: true }) ?? 5;
      const eo = {
        bootstrap: numberOption(o.bootstrap, 'bootstrap', { min: 10, integer: true }) ?? 1000,
        seed: opts.seed ?? 0,
      };
      if (o.protocol === 'cv' || opts.modes.length < 2) {
        const cv = await crossValidate(ds, opts, k, eo, (m) => out.info(m));
        const doc = {
          source,
          protocol: `grouped ${k}-fold CV`,
          modes: opts.modes,
          model: opts.model,
          targets: cv.targets,
        };
        out.result(doc, () =>
          cv.targets
            .map(
              (t) =>
                `${t.target}: ${Object.entries(t.metrics)
                  .map(([m, e]) => `${m} ${e.value.toFixed(3)} [${e.lo.toFixed(3)}, ${e.hi.toFixed(3)}]`)
                  .join('  ')}`,
            )
            .join('\n'),
        );
        return;
      }
      const r = await compareModes(ds, { ...opts, folds: k }, eo, (m) => out.info(m));
      out.result({ source, ...r }, () => {
        const lines = [r.protocol, ''];
        const w = Math.max(...r.rows.map((x) => x.modes.join('+').length), 5);
        for (const t of opts.targets) {
          lines.push(`${t}`);
          for (const row of r.rows.filter((x) => x.target === t))
            lines.push(
              `  ${row.modes.join('+').padEnd(w)}  ${row.metric.padEnd(8)} ${row.value.toFixed(3)}  [${row.lo.toFixed(3)}, ${row.hi.toFixed(3)}]`,
            );
        }
        lines.push('');
        for (const v of r.verdicts)
          lines.push(
            `${v.target}: fused ${v.metric} ${v.fused.value.toFixed(3)} vs best single (${v.bestSingle.modes[0]}) ${v.bestSingle.value.toFixed(3)} → ${v.significant ? 'fused better, intervals do not overlap' : v.fusedBetter ? 'fused better, intervals overlap' : 'fused NOT better'}`,
          );
        return lines.join('\n');
      });
    });
}
