import { fail } from './errors.js';
import { EDGE_TABLE, ELEMENT_TABLE, type EdgeRecord, type ElementRecord } from './physical-tables.js';

const bySymbol = new Map<string, ElementRecord>(ELEMENT_TABLE.map((e) => [e.symbol.toLowerCase(), e]));
const byZ = new Map<number, ElementRecord>(ELEMENT_TABLE.map((e) => [e.z, e]));

/** Look up an element by symbol (case-insensitive) or atomic number. Throws `not-found`. */
export function element(symbolOrZ: string | number): ElementRecord {
  const rec =
    typeof symbolOrZ === 'number' ? byZ.get(symbolOrZ) : bySymbol.get(symbolOrZ.trim().toLowerCase());
  if (!rec)
    fail('not-found', `unknown element '${symbolOrZ}' (specfuse knows Z = 1…36)`, { field: 'element' });
  return rec;
}

export function isElementSymbol(s: string): boolean {
  return bySymbol.has(s.trim().toLowerCase());
}

/** Canonical capitalisation: 'ni' → 'Ni'. */
export function normalizeSymbol(s: string): string {
  return element(s).symbol;
}

export type EdgeName = 'K' | 'L1' | 'L2' | 'L3' | 'L23' | 'M1' | 'M2' | 'M3' | 'M23' | 'M4' | 'M5' | 'M45';
export const EDGE_NAMES: readonly EdgeName[] = [
  'K',
  'L1',
  'L2',
  'L3',
  'L23',
  'M1',
  'M2',
  'M3',
  'M23',
  'M4',
  'M5',
  'M45',
];

export function isEdgeName(s: string): s is EdgeName {
  return (EDGE_NAMES as readonly string[]).includes(s);
}

/**
 * Tabulated edge of an element (Elam et al. 2002; widths Keski-Rahkonen & Krause 1974).
 * Combined edges (L23, M23, M45) return the lower-energy component (L3, M3, M5), which is where the edge onset is.
 */
export function edge(symbol: string, name: EdgeName | string): EdgeRecord {
  const el = element(symbol);
  const key = name === 'L23' ? 'L3' : name === 'M23' ? 'M3' : name === 'M45' ? 'M5' : name;
  const rec = EDGE_TABLE[el.symbol]?.[key];
  if (!rec) fail('not-found', `no tabulated ${name} edge for ${el.symbol}`, { field: 'edge' });
  return rec;
}

/** Core-hole lifetime width (eV, FWHM) of an edge; Keski-Rahkonen & Krause (1974). */
export function coreHoleWidth(symbol: string, name: EdgeName | string): number {
  const rec = edge(symbol, name);
  if (rec.width === undefined)
    fail('not-found', `no tabulated core-hole width for ${symbol} ${name}`, { field: 'edge' });
  return rec.width;
}
