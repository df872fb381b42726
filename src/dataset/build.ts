import { writeCif } from '../io/structure/cif.js';
import { buildNmc } from '../structure/nmc.js';
import { formula } from '../structure/structure.js';
import type { Structure } from '../structure/types.js';
import type { StructureRecord } from './db.js';
import { siteLabels, structureLabels } from './labels.js';
import type { StructureSpec } from './plan.js';

/** Rebuild a campaign structure from its spec (deterministic: same spec and seed → same structure). */
export function buildStructure(spec: StructureSpec): Structure {
  const c = spec.composition;
  return buildNmc({
    composition: { Ni: c.ni, Mn: c.mn, Co: c.co },
    supercell: spec.supercell,
    ovac: spec.oVacancies,
    antisite: spec.antisites,
    delithiate: spec.delithiation,
    seed: spec.seed,
  });
}

/** The stored record of a structure: CIF text, defects, structure and site labels within `radius` (Å). */
export function structureRecord(spec: StructureSpec, radius: number): StructureRecord {
  const structure = buildStructure(spec);
  const sites = siteLabels(structure, radius);
  return {
    spec,
    cif: writeCif(structure),
    nSites: structure.sites.length,
    formula: formula(structure),
    defects: structure.metadata.defects ?? [],
    labels: structureLabels(structure, sites),
    sites,
  };
}
