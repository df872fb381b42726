import type { Command } from 'commander';
import { SpecfuseError } from '../../core/errors.js';
import { readStructureFile, structureFormatOf, writeStructureFile } from '../../io/structure/index.js';
import { buildNmc, describeStructure, formula, symmetryOrbits } from '../../structure/index.js';
import { makeOutput, numberOption } from '../context.js';

/**
 * `specfuse structure build|describe|symmetry|convert`: NMC supercells with defects, local environments with
 * bond valences and formal oxidation states, symmetry-unique sites, format conversion.
 */

export function parseSupercell(text: string): [number, number, number] {
  const m = /^\s*(\d+)\s*[x×,]\s*(\d+)\s*[x×,]\s*(\d+)\s*$/i.exec(text);
  if (!m)
    throw new SpecfuseError('invalid-argument', `--supercell must look like 5x2x1, got '${text}'`, {
      field: 'supercell',
    });
  const v = [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number];
  if (v.some((x) => x < 1))
    throw new SpecfuseError('invalid-argument', `--supercell multiples must be ≥ 1, got '${text}'`, {
      field: 'supercell',
    });
  return v;
}

interface BuildOpts {
  composition: string;
  supercell: string;
  ovac?: string;
  antisite?: string;
  delithiate?: string;
  seed?: string;
  arrangement?: string;
  output?: string;
  json?: boolean;
}

/** `structure build`: returns the summary it prints (used by tests). */
export function runBuild(opts: BuildOpts): Record<string, unknown> {
  if (!opts.output)
    throw new SpecfuseError('invalid-argument', 'missing -o FILE (.cif or .vasp)', { field: 'output' });
  const fmt = structureFormatOf(opts.output);
  if (fmt !== 'cif' && fmt !== 'poscar')
    throw new SpecfuseError(
      'invalid-argument',
      `output must end in .cif or .vasp (or be named POSCAR), got '${opts.output}'`,
      { field: 'output' },
    );
  if (opts.seed === undefined)
    throw new SpecfuseError('invalid-argument', 'missing --seed S (builds are reproducible)', {
      field: 'seed',
    });
  const seed = numberOption(opts.seed, 'seed', { integer: true })!;
  const s = buildNmc({
    composition: opts.composition,
    supercell: parseSupercell(opts.supercell),
    ovac: numberOption(opts.ovac, 'ovac', { integer: true, min: 0 }) ?? 0,
    antisite: numberOption(opts.antisite, 'antisite', { integer: true, min: 0 }) ?? 0,
    delithiate: numberOption(opts.delithiate, 'delithiate', { min: 0, max: 1 }) ?? 0,
    seed,
    ...(opts.arrangement !== undefined
      ? { arrangement: opts.arrangement.split(',').map((x) => x.trim()) }
      : {}),
  });
  writeStructureFile(s, opts.output, { format: fmt });
  return {
    file: opts.output,
    formula: formula(s),
    natoms: s.sites.length,
    build: s.metadata.build,
    defects: s.metadata.defects,
    charge_compensation: s.metadata.chargeCompensation,
  };
}

export function runDescribe(
  file: string,
  opts: { radius?: string; bondCutoff?: string },
): ReturnType<typeof describeStructure> & { warnings: string[] } {
  const r = readStructureFile(file);
  const radius = numberOption(opts.radius, 'radius', { min: 0, max: 20 });
  const bondCutoff = numberOption(opts.bondCutoff, 'bond-cutoff', { min: 0.5, max: 4 });
  const d = describeStructure(r.value, {
    ...(radius !== undefined ? { radius } : {}),
    ...(bondCutoff !== undefined ? { bondCutoff } : {}),
  });
  return { ...d, warnings: r.warnings.map((w) => w.message) };
}

export function register(program: Command): void {
  const structure = program
    .command('structure')
    .description('crystal structures: build NMC supercells, describe local environments');
  structure
    .command('build')
    .description('build a layered LiNi_xMn_yCo_zO2 supercell with optional point defects')
    .requiredOption(
      '--composition <name>',
      'NMC111 | NMC532 | NMC622 | NMC721 | NMC811 | LiCoO2 | LiNiO2 | LiNi0.6Mn0.2Co0.2O2',
    )
    .requiredOption('--supercell <NAxNBxNC>', 'supercell of the 1-formula-unit R-3m cell, e.g. 5x2x1')
    .option('--ovac <N>', 'number of O vacancies')
    .option('--antisite <N>', 'number of Li/Ni antisite pairs')
    .option('--delithiate <F>', 'fraction of Li removed (0–1)')
    .option('--seed <S>', 'random seed (integer)')
    .option(
      '--arrangement <LIST>',
      'TM symbols in supercell order, comma-separated (instead of a random arrangement)',
    )
    .option('-o, --output <FILE>', 'output file (.cif or .vasp)')
    .option('--json', 'JSON output')
    .action((opts: BuildOpts) => {
      const out = makeOutput(Boolean(opts.json));
      const r = runBuild(opts);
      out.result(r, () => {
        const d = (r.defects as unknown[] | undefined)?.length ?? 0;
        return `wrote ${r.file}: ${r.formula} (${r.natoms} atoms, ${d} defect record${d === 1 ? '' : 's'})`;
      });
    });
  structure
    .command('describe')
    .description('local environment of every site: CN, M–O, bond-valence sum, oxidation state, local content')
    .argument('<file>', 'structure file (.cif, POSCAR/.vasp, .xyz)')
    .option('--radius <R>', 'radius of the local element content, Å (default 3.0)')
    .option('--bond-cutoff <R>', 'M–O bond cutoff, Å (default 2.6)')
    .option('--json', 'JSON output')
    .action((file: string, opts: { radius?: string; bondCutoff?: string; json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      const d = runDescribe(file, opts);
      out.result(d, () => {
        const l = d.lattice;
        const lines = [
          `${d.formula}  (${d.natoms} atoms)  a=${l.a.toFixed(4)} b=${l.b.toFixed(4)} c=${l.c.toFixed(4)} Å  α=${l.alpha.toFixed(3)} β=${l.beta.toFixed(3)} γ=${l.gamma.toFixed(3)}°`,
          `charge balance: net ${d.charge_balance.net_charge} (${d.charge_balance.method})  ${Object.entries(
            d.charge_balance.by_element,
          )
            .map(
              ([e, v]) =>
                `${e}: ${Object.entries(v)
                  .map(([k, n]) => `${n}×${k}`)
                  .join(' ')}`,
            )
            .join('; ')}`,
          ' idx el  ox  cn  <M-O>   BVS   local content',
        ];
        for (const s of d.sites)
          lines.push(
            `${String(s.index).padStart(4)} ${s.element.padEnd(2)} ${String(s.oxidation).padStart(3)} ${String(s.cn).padStart(3)}  ${s.mo_mean === null ? '   -  ' : s.mo_mean.toFixed(3)}  ${s.bvs === null ? '  -  ' : s.bvs.toFixed(2).padStart(5)}  ${Object.entries(
              s.local_content,
            )
              .map(([e, n]) => `${e}${n}`)
              .join(' ')}`,
          );
        if (d.defects.length) lines.push(`defects: ${d.defects.length}`);
        for (const w of d.warnings) lines.push(`warning: ${w}`);
        return lines.join('\n');
      });
    });
  structure
    .command('symmetry')
    .description('space group and symmetry-equivalent site orbits')
    .argument('<file>', 'structure file')
    .option('--symprec <A>', 'position tolerance, Å (default 1e-3)')
    .option('--json', 'JSON output')
    .action((file: string, opts: { symprec?: string; json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      const s = readStructureFile(file).value;
      const symprec = numberOption(opts.symprec, 'symprec', { min: 1e-8, max: 1 });
      const r = symmetryOrbits(s, symprec !== undefined ? { symprec } : {});
      out.result(
        { formula: formula(s), ...r },
        () =>
          `${formula(s)}: space group ${r.spaceGroup} (${r.symbol ?? '?'}), ${r.orbits.length} unique sites: ${r.representatives.map((i, k) => `${s.sites[i]!.element}#${i}×${r.multiplicities[k]}`).join(', ')}`,
      );
    });
  structure
    .command('convert')
    .description('convert between CIF, POSCAR and XYZ')
    .argument('<input>', 'structure file')
    .argument('<output>', 'output file (.cif, .vasp/POSCAR, .xyz)')
    .option('--json', 'JSON output')
    .action((input: string, output: string, opts: { json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      const r = readStructureFile(input);
      writeStructureFile(r.value, output);
      out.result(
        {
          input,
          output,
          formula: formula(r.value),
          natoms: r.value.sites.length,
          warnings: r.warnings.map((w) => w.message),
        },
        `wrote ${output}`,
      );
    });
}
