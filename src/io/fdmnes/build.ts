import { element } from '../../core/elements.js';
import { SpecfuseError } from '../../core/errors.js';
import { latticeParameters } from '../../structure/lattice.js';
import type { Structure } from '../../structure/types.js';
import type { FdmnesBlock, FdmnesDeck } from './deck.js';

/**
 * Typed settings for an FDMNES deck (keywords from the FDMNES user manual) and the defaults of the seed paper
 * (Jia et al., ACS Nano 2026; decks HailiJia/MultimodalEELS-XAS `Data/Sim_data/{O,Ni,Mn,Co}_in.txt`):
 * Filout `0_<El>`, Range −5 0.2 45 eV, Energpho, Quadrupole, Memory_save, Relativism, PBE, SCF (transition-metal
 * L2,3) or Excited + SCFexc (O K: self-consistent with the excited absorber), Radius O 6.0, Ni 6.5, Mn 5.75,
 * Co 5.5 Å, Crystal block (cell + Z x y z), Z_Absorber, Edge, Convolution.
 */
export interface FdmnesSettings {
  readonly filout: string;
  /** Energy range (eV relative to the edge): start, step, end[, step, end …]. */
  readonly range: readonly number[];
  /** Energies written as photon energies (Energpho). */
  readonly energpho: boolean;
  readonly quadrupole: boolean;
  readonly memorySave: boolean;
  readonly relativism: boolean;
  /** Exchange–correlation: 'PBE' writes the PBE keyword; 'LDA' writes nothing (FDMNES default). */
  readonly functional: 'PBE' | 'LDA';
  /** 'scf': SCF; 'excited': Excited + SCFexc (self-consistent with the core hole); 'none': non-SCF. */
  readonly scf: 'scf' | 'excited' | 'none';
  /** Cluster radius (Å). */
  readonly radius: number;
  /** Absorbers: every atom of an element (Z_Absorber) or explicit 1-based atom indices (Absorber). */
  readonly absorber: { readonly z: number } | { readonly indices: readonly number[] };
  /** 'K', 'L1', 'L2', 'L3', 'L23', 'M23', 'M45', … */
  readonly edge: string;
  readonly convolution: boolean;
  /** Further keyword blocks appended before Z_Absorber (free-form). */
  readonly extra?: readonly FdmnesBlock[];
}

/** Seed-deck cluster radii (Å). */
export const SEED_RADIUS: Readonly<Record<string, number>> = { O: 6.0, Ni: 6.5, Mn: 5.75, Co: 5.5 };
/** Radius for elements the seed decks do not cover: the O value, the smallest radius the seed used for a light atom. */
export const DEFAULT_RADIUS = 6.0;

/** The seed paper's settings for an absorbing element and edge (K for O/Li, L23 for transition metals by default). */
export function fdmnesSeedSettings(symbol: string, edge?: string): FdmnesSettings {
  const el = element(symbol);
  const e = edge ?? (el.z >= 21 ? 'L23' : 'K');
  return {
    filout: `0_${el.symbol}`,
    range: [-5, 0.2, 45],
    energpho: true,
    quadrupole: true,
    memorySave: true,
    relativism: true,
    functional: 'PBE',
    scf: el.symbol === 'O' && e === 'K' ? 'excited' : 'scf',
    radius: SEED_RADIUS[el.symbol] ?? DEFAULT_RADIUS,
    absorber: { z: el.z },
    edge: e,
    convolution: true,
  };
}

function fixed(x: number, d = 6): string {
  const s = x.toFixed(d);
  return s === `-${(0).toFixed(d)}` ? (0).toFixed(d) : s;
}

function kw(keyword: string, ...values: string[][]): FdmnesBlock {
  return { keyword, values };
}

/** Build a deck for a periodic structure (Crystal block in the cell's own fractional coordinates, as written). */
export function buildFdmnesDeck(structure: Structure, s: FdmnesSettings): FdmnesDeck {
  if (!(s.radius > 0))
    throw new SpecfuseError('invalid-argument', `radius must be > 0, got ${s.radius}`, { field: 'radius' });
  if (s.range.length < 3 || s.range.length % 2 === 0)
    throw new SpecfuseError('invalid-argument', 'range needs start step end [step end …]', {
      field: 'range',
    });
  const p = latticeParameters(structure.lattice);
  const blocks: FdmnesBlock[] = [kw('Filout', [s.filout]), kw('Range', s.range.map(String))];
  if (s.energpho) blocks.push(kw('Energpho'));
  if (s.quadrupole) blocks.push(kw('Quadrupole'));
  if (s.memorySave) blocks.push(kw('Memory_save'));
  if (s.relativism) blocks.push(kw('Relativism'));
  if (s.functional === 'PBE') blocks.push(kw('PBE'));
  if (s.scf === 'scf') blocks.push(kw('SCF'));
  if (s.scf === 'excited') blocks.push(kw('Excited'), kw('SCFexc'));
  blocks.push(kw('Radius', [String(s.radius)]));
  blocks.push(
    kw(
      'Crystal',
      [p.a, p.b, p.c, p.alpha, p.beta, p.gamma].map((x) => fixed(x)),
      ...structure.sites.map((site) => [String(element(site.element).z), ...site.frac.map((f) => fixed(f))]),
    ),
  );
  blocks.push(...(s.extra ?? []));
  if ('z' in s.absorber) blocks.push(kw('Z_Absorber', [String(s.absorber.z)]));
  else {
    const n = structure.sites.length;
    for (const i of s.absorber.indices)
      if (!Number.isInteger(i) || i < 1 || i > n)
        throw new SpecfuseError('invalid-argument', `absorber index ${i} outside 1…${n}`, {
          field: 'absorber',
        });
    blocks.push(kw('Absorber', s.absorber.indices.map(String)));
  }
  blocks.push(kw('Edge', [s.edge]));
  if (s.convolution) blocks.push(kw('Convolution'));
  return { blocks };
}
