import { resolve } from 'node:path';
import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import {
  type BackgroundMethod,
  type MeasuredInput,
  type PredictOptions,
  type PredictionResult,
  measuredInputs,
  predictMeasured,
} from '../../infer/index.js';
import { readSpectra } from '../../io/spectra/read.js';
import { loadModelFile } from '../../ml/model-file.js';
import type { Technique } from '../../spectrum/types.js';
import { makeOutput, numberOption } from '../context.js';

/**
 * `specfuse predict --model M FILE…`: measured spectra → predictions with intervals, OOD score and flag, applied
 * shifts, background-fit quality and the top contributing energy windows per target.
 */
export interface InferFlags {
  model?: string;
  maxShift?: string;
  background?: string;
  technique?: string;
  draws?: string;
  minSnr?: string;
  noAlign?: boolean;
  calibration?: string;
  continuumStep?: string;
  json?: boolean;
}

export function addInferOptions(c: Command): Command {
  return c
    .option('--max-shift <eV>', 'largest rigid alignment shift searched (default 5 eV)')
    .option('--background <method>', 'EELS power-law fit: log-lsq | two-area | auto (default log-lsq)')
    .option('--technique <t>', 'EELS | XAS (default: from the file, else EELS)')
    .option('--draws <n>', 'Monte Carlo draws of the measurement uncertainty (default 32)')
    .option('--min-snr <x>', 'edge signal-to-noise below which a mode is flagged (default 5)')
    .option('--no-align', 'use the energy axis as calibrated (no cross-correlation shift)')
    .option(
      '--calibration <mode>',
      'EELS absolute energy calibration from reference features (O K pre-peak, Mn/Co/Ni L3): auto | off (default auto)',
    )
    .option(
      '--continuum-step <mode>',
      'remove the L2,3 continuum step (2:1 double arctan, Pearson et al. 1993): auto (when the model was trained without one) | on | off (default auto)',
    );
}

export function inferOptions(o: InferFlags & { align?: boolean }): PredictOptions {
  const maxShift = numberOption(o.maxShift, 'max-shift', { min: 0.1 });
  const draws = numberOption(o.draws, 'draws', { min: 0, integer: true });
  const minSnr = numberOption(o.minSnr, 'min-snr');
  if (o.background !== undefined && !['log-lsq', 'two-area', 'auto'].includes(o.background))
    throw new SpecfuseError(
      'invalid-argument',
      `--background must be log-lsq, two-area or auto, got '${o.background}'`,
      {
        field: 'background',
      },
    );
  if (o.calibration !== undefined && o.calibration !== 'auto' && o.calibration !== 'off')
    throw new SpecfuseError('invalid-argument', `--calibration must be auto or off, got '${o.calibration}'`, {
      field: 'calibration',
    });
  if (o.continuumStep !== undefined && !['auto', 'on', 'off'].includes(o.continuumStep))
    throw new SpecfuseError(
      'invalid-argument',
      `--continuum-step must be auto, on or off, got '${o.continuumStep}'`,
      { field: 'continuum-step' },
    );
  if (o.technique !== undefined && o.technique !== 'EELS' && o.technique !== 'XAS')
    throw new SpecfuseError('invalid-argument', `--technique must be EELS or XAS, got '${o.technique}'`, {
      field: 'technique',
    });
  return {
    ...(maxShift !== undefined ? { maxShift } : {}),
    ...(draws !== undefined ? { measurementDraws: draws } : {}),
    ...(minSnr !== undefined ? { minSnr } : {}),
    ...(o.background !== undefined ? { backgroundMethod: o.background as BackgroundMethod } : {}),
    ...(o.technique !== undefined ? { technique: o.technique as Technique } : {}),
    ...(o.align === false ? { noAlign: true } : {}),
    ...(o.calibration !== undefined ? { energyCalibration: o.calibration as 'auto' | 'off' } : {}),
    ...(o.continuumStep !== undefined ? { continuumStep: o.continuumStep as 'auto' | 'on' | 'off' } : {}),
  };
}

/** Every spectrum of every file; a spectrum image contributes the sum of its pixels. */
export function readInputs(files: readonly string[]): { inputs: MeasuredInput[]; warnings: string[] } {
  const warnings: string[] = [];
  const read = files.map((f) => {
    const r = readSpectra(resolve(f));
    warnings.push(...r.warnings.map((w) => `${f}: ${typeof w === 'string' ? w : JSON.stringify(w)}`));
    return { name: f, file: r.value };
  });
  const inputs = measuredInputs(read);
  if (inputs.length === 0) throw new SpecfuseError('invalid-argument', 'no spectrum in the input files', {});
  return { inputs, warnings };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : String(x));

export function predictionText(r: PredictionResult): string {
  const lines: string[] = [];
  for (const c of r.calibrations ?? [])
    if (c.calibration) {
      const k = c.calibration;
      lines.push(
        `energy calibration of ${c.source} (${k.method}): offset ${k.offset >= 0 ? '+' : ''}${k.offset.toFixed(2)} eV at ${k.pivot.toFixed(1)} eV, dispersion ×${k.dispersion.toFixed(4)}; ${k.features.map((f) => `${f.name} ${f.measured.toFixed(1)} → ${f.reference} eV (residual ${f.residual >= 0 ? '+' : ''}${f.residual.toFixed(2)})`).join(', ')}`,
      );
    }
  for (const w of r.warnings ?? []) lines.push(`warning: ${w}`);
  for (const m of r.modes)
    lines.push(
      `${m.mode} from ${m.source} (${m.technique}): ${m.calibrationShift ? `calibration ${m.calibrationShift >= 0 ? '+' : ''}${m.calibrationShift.toFixed(2)} eV, then ` : ''}shift ${m.shift.toFixed(2)} eV${m.shiftAtCap ? ' (AT CAP)' : ''}, edge S/N ${m.snr.toFixed(1)}, background ${m.background.method} over ${m.background.window[0].toFixed(1)}–${m.background.window[1].toFixed(1)} eV (residual ${(100 * m.background.relResidual).toFixed(2)} %${Number.isFinite(m.background.chi2nu) ? `, χ²/ν ${m.background.chi2nu.toFixed(1)}` : ''})${m.continuumStep ? (m.continuumStep.applied ? `, continuum step removed (${(100 * m.continuumStep.relHeight).toFixed(0)} % of max at L3 ${m.continuumStep.l3.toFixed(1)} / L2 ${m.continuumStep.l2.toFixed(1)} eV, Γ ${m.continuumStep.width.toFixed(2)} eV)` : ', continuum step kept') : ''}`,
    );
  for (const t of r.targets) {
    const v =
      t.task === 'classification'
        ? `p = ${f3(t.value)} (${t.present ? 'present' : 'absent'})`
        : `${f3(t.value)}${t.interval ? ` [${f3(t.interval[0])}, ${f3(t.interval[1])}] (90 %)` : ''}`;
    const w = t.topWindows
      .map(
        (x) =>
          `${x.mode} ${x.lo.toFixed(1)}–${x.hi.toFixed(1)} eV (${x.contribution >= 0 ? '+' : ''}${f3(x.contribution)})`,
      )
      .join(', ');
    lines.push(`  ${t.target}: ${v}${w ? `; top windows: ${w}` : ''}`);
  }
  if (r.ood)
    lines.push(
      `OOD score ${r.ood.score.toFixed(2)} (threshold ${r.ood.threshold.toFixed(2)})${r.ood.flagged ? ' FLAGGED' : ''}${r.ood.reason ? `\n  why: ${r.ood.reason}` : ''}`,
    );
  lines.push(r.flags.length ? `flags:\n${r.flags.map((f) => `  - ${f}`).join('\n')}` : 'no quality flags');
  return lines.join('\n');
}

export function register(program: Command): void {
  addInferOptions(
    program
      .command('predict')
      .description(
        'predict local structure from measured spectra (XAS/EELS) with intervals, OOD flag and evidence',
      )
      .argument(
        '<files...>',
        'measured spectra (MSA, DM3/DM4, XDI, Athena .prj, JSON…); several edges may share a file',
      )
      .requiredOption('--model <file>', 'model file (.sfm)')
      .option('--json', 'one JSON document on stdout'),
  ).action(async (files: string[], o: InferFlags & { align?: boolean }) => {
    const out = makeOutput(Boolean(o.json));
    const opts = inferOptions(o);
    const model = loadModelFile(resolve(o.model as string));
    const { inputs, warnings } = readInputs(files);
    for (const w of warnings) out.info(`warning: ${w}`);
    const r = await predictMeasured(model, inputs, opts);
    out.result(
      {
        model: resolve(o.model as string),
        modelModes: model.modes,
        ...r,
        warnings: [...warnings, ...(r.warnings ?? [])],
      },
      () => predictionText(r),
    );
  });
}
