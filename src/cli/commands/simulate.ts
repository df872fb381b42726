import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { writeSpectrumFile } from '../../io/spectra/index.js';
import { readStructureFile } from '../../io/structure/index.js';
import type { Technique } from '../../spectrum/types.js';
import type { SimulationRequest } from '../../simulate/engine.js';
import { engineNames, getEngine } from '../../simulate/registry.js';
import { isInputWritingEngine } from '../../simulate/external/index.js';
import { makeOutput, numberOption } from '../context.js';

interface SimulateFlags {
  structure?: string;
  element?: string;
  edge?: string;
  engine?: string;
  sites?: string;
  technique?: string;
  radius?: string;
  gaussian?: string;
  seed?: string;
  option?: string[];
  output?: string;
  force?: boolean;
  json?: boolean;
  writeOnly?: string;
}

function parseSites(v: string | undefined): 'all' | number | number[] {
  if (v === undefined || v === 'all') return 'all';
  if (/^\d+$/.test(v)) return numberOption(v, 'sites', { min: 1, integer: true }) as number;
  if (/^\d+(,\d+)*$/.test(v.replace(/\s/g, '')))
    return v
      .replace(/\s/g, '')
      .split(',')
      .map((x) => Number(x));
  throw new SpecfuseError(
    'invalid-argument',
    `--sites must be 'all', a count N or a list i,j,k; got '${v}'`,
    {
      field: 'sites',
    },
  );
}

/** `key=value` engine options: numbers and booleans parsed, the rest kept as strings. */
function parseOptions(list: readonly string[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) {
    const m = /^([A-Za-z_][\w.-]*)=(.*)$/.exec(kv);
    if (!m)
      throw new SpecfuseError('invalid-argument', `--option expects key=value, got '${kv}'`, {
        field: 'option',
      });
    const v = m[2];
    out[m[1]] =
      v === 'true' ? true : v === 'false' ? false : v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** Engine chosen when --engine is absent: multiplet for Mn/Co/Ni L edges, else the first engine covering the edge. */
function defaultEngine(element: string, edge: string): string {
  if (/^L/.test(edge) && ['Mn', 'Co', 'Ni'].includes(element) && engineNames().includes('multiplet'))
    return 'multiplet';
  for (const n of engineNames()) {
    try {
      if (getEngine(n).edges.includes(edge)) return n;
    } catch {
      /* unavailable engine */
    }
  }
  throw new SpecfuseError(
    'not-found',
    `no engine computes ${element} ${edge}; known: ${engineNames().join(', ')}`,
    {
      field: 'engine',
    },
  );
}

/** `specfuse simulate`: one element/edge of a structure with any registered engine; writes the site average. */
export function register(program: Command): void {
  program
    .command('simulate')
    .description('Simulate an element/edge spectrum of a structure (site-averaged) with any engine')
    .requiredOption('--structure <file>', 'structure file (CIF, POSCAR, XYZ)')
    .requiredOption('--element <symbol>', 'absorbing element, e.g. Ni')
    .option('--edge <edge>', 'edge: K, L23, L2, L3 …', 'L23')
    .option('--engine <name>', 'engine (default: multiplet for Mn/Co/Ni L edges)')
    .option('--sites <sel>', "absorbers: 'all', a seeded sample size N, or indices i,j,k", 'all')
    .option('--technique <t>', 'XAS or EELS', 'XAS')
    .option('--radius <A>', 'cluster radius (Å) for engines that use one')
    .option('--gaussian <eV>', 'instrumental Gaussian FWHM (eV)')
    .option('--seed <n>', 'seed for the site sample')
    .option('--option <key=value...>', 'engine-specific option (repeatable), e.g. ct=true temperature=300')
    .option('-o, --output <file>', 'write the site-averaged spectrum (CSV: energy_eV,intensity)')
    .option('--force', 'overwrite an existing output file')
    .option(
      '--write-only <dir>',
      'external engines (feff, fdmnes, xspectra): write their input files to DIR, do not run',
    )
    .option('--json', 'one JSON document on stdout')
    .action(async (flags: SimulateFlags) => {
      const out = makeOutput(Boolean(flags.json));
      const element = String(flags.element);
      const edge = String(flags.edge ?? 'L23');
      const technique = String(flags.technique ?? 'XAS').toUpperCase();
      if (technique !== 'XAS' && technique !== 'EELS')
        throw new SpecfuseError(
          'invalid-argument',
          `--technique must be XAS or EELS, got '${flags.technique}'`,
          {
            field: 'technique',
          },
        );
      const structureFile = String(flags.structure);
      const read = readStructureFile(structureFile);
      for (const w of read.warnings) out.info(`warning: ${w.message}`);
      const engineName = flags.engine ?? defaultEngine(element, edge);
      const engine = getEngine(engineName);
      if (!engine.edges.includes(edge))
        throw new SpecfuseError(
          'invalid-argument',
          `engine '${engineName}' computes ${engine.edges.join(', ')}; not ${edge}`,
          {
            field: 'edge',
          },
        );
      const radius = numberOption(flags.radius, 'radius', { min: 0 });
      const gaussian = numberOption(flags.gaussian, 'gaussian', { min: 0 });
      const seed = numberOption(flags.seed, 'seed', { integer: true });
      const request: SimulationRequest = {
        element,
        edge,
        sites: parseSites(flags.sites),
        technique: technique as Technique,
        options: parseOptions(flags.option),
        ...(radius !== undefined ? { radius } : {}),
        ...(gaussian !== undefined ? { gaussianFwhm: gaussian } : {}),
        ...(seed !== undefined ? { seed } : {}),
      };
      if (flags.writeOnly !== undefined) {
        if (!isInputWritingEngine(engine))
          throw new SpecfuseError(
            'invalid-argument',
            `--write-only is for external engines; '${engineName}' runs in-process`,
            {
              field: 'write-only',
            },
          );
        const files = engine.writeInputs(read.value, request, flags.writeOnly);
        out.result({ engine: engine.name, installed: engine.detect().installed, written: files }, () =>
          [
            `${engine.name}: wrote ${files.length} input file(s) under ${flags.writeOnly}`,
            ...files.map((f) => `  ${f}`),
          ].join('\n'),
        );
        return;
      }
      const t0 = Date.now();
      const result = await engine.simulate(read.value, request, {
        report: (p) => out.info(`  ${p.done}/${p.total} ${p.message ?? ''}`),
      });
      let written: { file: string; bytes: number } | undefined;
      if (flags.output) {
        const w = writeSpectrumFile(result.average, flags.output, {
          inputs: [structureFile],
          overwrite: Boolean(flags.force),
        });
        written = { file: flags.output, bytes: w.bytes };
      }
      const summary = {
        engine: engine.name,
        version: engine.version,
        structure: structureFile,
        element,
        edge,
        technique,
        sites: result.sites.map((s) => ({ site: s.site, weight: s.weight, label: s.spectrum.meta.label })),
        parameters:
          result.average.meta.origin.kind === 'simulated' ? result.average.meta.origin.parameters : {},
        seconds: (Date.now() - t0) / 1000,
        ...(written
          ? { output: written }
          : { spectrum: { energy: result.average.energy, intensity: result.average.intensity } }),
      };
      out.result(summary, () =>
        [
          `${engine.name} ${engine.version}: ${element} ${edge} (${technique}) of ${structureFile}`,
          `  ${result.sites.length} sites in ${summary.seconds.toFixed(1)} s`,
          written ? `  wrote ${written.file} (${written.bytes} bytes)` : '  (no --output: nothing written)',
        ].join('\n'),
      );
    });
}
