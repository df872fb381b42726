import { SpecfuseError } from '../core/errors.js';
import { makeRng } from '../math/random.js';
import { symmetryOrbits } from '../structure/symmetry.js';
import type { Structure } from '../structure/types.js';
import type { SimulationRequest } from './engine.js';

/**
 * Absorbing sites of a request, shared by every engine: all sites of the element (default), a seeded sample of N
 * (Fisher–Yates with `makeRng(seed)`, returned in index order), or explicit indices, each checked to hold the element.
 */
export function chooseAbsorbers(structure: Structure, request: SimulationRequest): number[] {
  const el = request.element;
  const all = structure.sites.flatMap((s, i) => (s.element === el ? [i] : []));
  if (all.length === 0)
    throw new SpecfuseError('invalid-argument', `structure has no ${el} sites`, { field: 'element' });
  const sel = request.sites ?? 'all';
  if (sel === 'all') return all;
  if (typeof sel === 'number') {
    if (!(sel >= 1)) throw new SpecfuseError('invalid-argument', 'sites must be ≥ 1', { field: 'sites' });
    const a = all.slice();
    const rng = makeRng(request.seed ?? 1);
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a.slice(0, Math.min(sel, a.length)).sort((x, y) => x - y);
  }
  for (const i of sel)
    if (structure.sites[i]?.element !== el)
      throw new SpecfuseError('invalid-argument', `site ${i} is not a ${el} site`, { field: 'sites' });
  return [...sel];
}

/**
 * The chosen absorbers grouped by symmetry orbit, so an engine computes one site per group and weights it by the
 * group's size. Without a symmetry analysis (it failed), every site is its own group.
 */
export function groupByOrbit(structure: Structure, chosen: readonly number[]): number[][] {
  try {
    const orb = symmetryOrbits(structure);
    const orbitOf = new Map<number, number>();
    orb.orbits.forEach((o, k) => {
      for (const i of o) orbitOf.set(i, k);
    });
    const byOrbit = new Map<number, number[]>();
    for (const i of chosen) {
      const k = orbitOf.get(i) ?? -1 - i;
      byOrbit.set(k, [...(byOrbit.get(k) ?? []), i]);
    }
    return [...byOrbit.values()];
  } catch {
    return chosen.map((i) => [i]);
  }
}
