import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireTool } from '../../../test/shared.js';
import { loadModelFile, syntheticDataset, writeParquetDataset, xgboostAvailable } from '../../ml/index.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerExplain } from './explain.js';
import { register as registerTrain } from './train.js';

const tmp = mkdtempSync(join(tmpdir(), 'sf-cli-ml-'));
const parquet = join(tmp, 'ds.parquet');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await writeParquetDataset(
    syntheticDataset({
      structures: 30,
      samplesPerStructure: 2,
      modes: ['O:K', 'Ni:L23'],
      points: 30,
      seed: 2,
    }),
    parquet,
  );
});

/** Run one command in-process and return the JSON it printed on stdout. */
async function run(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  for (const r of [registerTrain, registerEvaluate, registerExplain]) r(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    await program.parseAsync(['node', 'specfuse', ...args]);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out);
}

describe.skipIf(!requireTool('libxgboost0', xgboostAvailable()))(
  'train / evaluate / explain commands',
  () => {
    it('train writes a valid model, explain draws it, evaluate prints the mode table', async () => {
      const model = join(tmp, 'm.sfm');
      const t = (await run([
        'train',
        '--parquet',
        parquet,
        '--targets',
        'li_content,o_vacancy',
        '--rounds',
        '20',
        '--inner-folds',
        '3',
        '--bootstrap',
        '50',
        '-o',
        model,
        '--json',
      ])) as {
        hash: string;
        targets: { target: string; metrics: Record<string, { value: number }> }[];
      };
      expect(existsSync(model)).toBe(true);
      expect(loadModelFile(model).hash).toBe(t.hash);
      expect(t.targets.map((x) => x.target)).toEqual(['li_content', 'o_vacancy']);
      await expect(
        run(['train', '--parquet', parquet, '--targets', 'li_content', '-o', model, '--json']),
      ).rejects.toThrow(/overwrite/);
      await expect(
        run(['train', '--parquet', parquet, '--targets', 'nope', '-o', join(tmp, 'x.sfm')]),
      ).rejects.toThrow(/nope/);
      await expect(
        run([
          'train',
          '--parquet',
          parquet,
          '--targets',
          'li_content',
          '--model',
          'svm',
          '-o',
          join(tmp, 'x.sfm'),
        ]),
      ).rejects.toThrow(/svm/);

      const svg = join(tmp, 'imp.svg');
      const e = (await run(['explain', '--model', model, '-o', svg, '--json'])) as {
        reports: { target: string }[];
      };
      expect(e.reports).toHaveLength(2);
      expect(readFileSync(svg, 'utf8')).toMatch(/^<svg/);

      const c = (await run([
        'evaluate',
        '--parquet',
        parquet,
        '--targets',
        'o_vacancy',
        '--rounds',
        '10',
        '--folds',
        '3',
        '--bootstrap',
        '50',
        '--json',
      ])) as {
        rows: { modes: string[] }[];
        verdicts: unknown[];
      };
      expect(new Set(c.rows.map((r) => r.modes.join('+')))).toEqual(new Set(['O:K', 'Ni:L23', 'O:K+Ni:L23']));
      expect(c.verdicts).toHaveLength(1);
    }, 60_000);
  },
);
