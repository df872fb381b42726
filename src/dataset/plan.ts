import { makeRng } from '../math/random.js';
import type { CampaignConfig, CompositionSpec, DefectClassSpec, ModeSpec } from './config.js';

/**
 * Expanding a campaign config into the structures to build and the jobs to run. Pure and deterministic: every seed is
 * derived from the campaign seed and the item's identity (never from its position in a queue), so results do not
 * depend on worker count, order of execution or interruptions.
 */

/** Everything needed to rebuild one structure anywhere (a worker thread, a Slurm node). */
export interface StructureSpec {
  readonly id: string;
  readonly composition: CompositionSpec;
  readonly defectClass: string;
  readonly supercell: readonly [number, number, number];
  readonly oVacancies: number;
  readonly antisites: number;
  readonly delithiation: number;
  readonly seed: number;
}

/** One simulation: one mode on one structure. */
export interface JobSpec {
  readonly id: string;
  readonly structure: StructureSpec;
  readonly mode: ModeSpec;
  readonly seed: number;
}

/** A 32-bit seed from the campaign seed and a name (FNV-1a folded through xoshiro128**). */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  return makeRng(`${seed}/${parts.join('/')}`).uint32();
}

/**
 * Split `total` among weights by largest remainder (Hamilton): quotas total·wᵢ/Σw, floors first, the remaining units
 * to the largest fractional parts (ties to the earlier entry). Sums exactly to `total`.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const out = quotas.map((q) => Math.floor(q));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ r: q - Math.floor(q), i })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    out[i]! += 1;
    left--;
  }
  return out;
}

function structureId(comp: CompositionSpec, klass: DefectClassSpec, index: number): string {
  return `${comp.name}-${klass.name}-${String(index).padStart(3, '0')}`;
}

export function planStructures(config: CampaignConfig): StructureSpec[] {
  const out: StructureSpec[] = [];
  const weights = config.compositions.map((c) => c.weight);
  for (const klass of config.classes) {
    const counts = apportion(klass.count, weights);
    config.compositions.forEach((comp, ci) => {
      for (let k = 0; k < counts[ci]!; k++) {
        const id = structureId(comp, klass, k);
        out.push({
          id,
          composition: comp,
          defectClass: klass.name,
          supercell: config.supercell,
          oVacancies: klass.oVacancies,
          antisites: klass.antisites,
          delithiation: klass.delithiation,
          seed: deriveSeed(config.seed, 'structure', id),
        });
      }
    });
  }
  return out;
}

export function jobId(structureId: string, modeKey: string): string {
  return `${structureId}@${modeKey}`;
}

export function planJobs(config: CampaignConfig, structures: readonly StructureSpec[]): JobSpec[] {
  const out: JobSpec[] = [];
  for (const s of structures)
    for (const mode of config.modes)
      out.push({ id: jobId(s.id, mode.key), structure: s, mode, seed: deriveSeed(s.seed, 'mode', mode.key) });
  return out;
}
