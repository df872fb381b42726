import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasShared, sharedPath } from '../../../test/shared.js';
import { latticeFromParameters } from '../../structure/lattice.js';
import type { Structure } from '../../structure/types.js';
import { element } from '../../core/elements.js';
import { buildFdmnesDeck, fdmnesSeedSettings } from './build.js';
import { canonicalDeck, fdmnesBlock, fdmnesCrystal, parseFdmnesDeck, writeFdmnesDeck } from './deck.js';

const shared = hasShared();
const SEEDS = ['O', 'Ni', 'Mn', 'Co'] as const;

/** Keywords and values equal (numbers as numbers); Crystal atoms compared to 1e-5 in fractional coordinates. */
function expectSameDeck(a: ReturnType<typeof parseFdmnesDeck>, b: ReturnType<typeof parseFdmnesDeck>): void {
  const ca = canonicalDeck(a).filter((x) => x.keyword !== 'crystal');
  const cb = canonicalDeck(b).filter((x) => x.keyword !== 'crystal');
  expect(ca).toEqual(cb);
  expect(canonicalDeck(a).map((x) => x.keyword)).toEqual(canonicalDeck(b).map((x) => x.keyword));
  const xa = fdmnesCrystal(a);
  const xb = fdmnesCrystal(b);
  for (let i = 0; i < 6; i++)
    expect(Math.abs((xa.cell[i] as number) - (xb.cell[i] as number))).toBeLessThan(1e-5);
  expect(xa.atoms.length).toBe(xb.atoms.length);
  xa.atoms.forEach((at, i) => {
    const bt = xb.atoms[i] as (typeof xb.atoms)[number];
    expect(at.z).toBe(bt.z);
    for (let k = 0; k < 3; k++)
      expect(Math.abs((at.frac[k] as number) - (bt.frac[k] as number))).toBeLessThan(1e-5);
  });
}

describe.skipIf(!shared)('FDMNES seed decks', () => {
  for (const el of SEEDS) {
    const file = shared ? sharedPath('data', 'fdmnes', `${el}_in.txt`) : '';
    it(`${el}_in.txt: read → write → read reproduces keywords, values and all 40 atoms`, () => {
      const deck = parseFdmnesDeck(readFileSync(file, 'utf8'), file);
      expect(fdmnesCrystal(deck).atoms.length).toBe(40);
      expectSameDeck(parseFdmnesDeck(writeFdmnesDeck(deck), 'rewritten'), deck);
    });
    it(`${el}: the seed defaults on the deck's own cell reproduce ${el}_in.txt`, () => {
      const seed = parseFdmnesDeck(readFileSync(file, 'utf8'), file);
      const x = fdmnesCrystal(seed);
      const [a, b, c, al, be, ga] = x.cell;
      const structure: Structure = {
        lattice: latticeFromParameters(a, b, c, al, be, ga),
        sites: x.atoms.map((at) => ({ element: element(at.z).symbol, frac: at.frac })),
        metadata: {},
      };
      const built = buildFdmnesDeck(structure, fdmnesSeedSettings(el));
      expectSameDeck(parseFdmnesDeck(writeFdmnesDeck(built), 'built'), seed);
    });
  }
  it('reads the seed O deck values', () => {
    const d = parseFdmnesDeck(readFileSync(sharedPath('data', 'fdmnes', 'O_in.txt'), 'utf8'), 'O_in.txt');
    expect(fdmnesBlock(d, 'filout')?.values).toEqual([['0_O']]);
    expect(fdmnesBlock(d, 'RANGE')?.values).toEqual([['-5.', '0.2', '45']]);
    expect(fdmnesBlock(d, 'Edge')?.values).toEqual([['K']]);
    expect(fdmnesBlock(d, 'SCF')).toBeUndefined();
    expect(fdmnesBlock(d, 'SCFexc')?.values).toEqual([]);
    expect(fdmnesCrystal(d).atoms[11]).toEqual({ z: 25, frac: [0.602316, -0.006084, -0.006264] });
  });
});

describe('FDMNES deck errors', () => {
  it('missing End', () => expect(() => parseFdmnesDeck('Radius\n 6\n', 'd.txt')).toThrow(/d\.txt.*End/));
  it('values before any keyword name the line', () =>
    expect(() => parseFdmnesDeck('\n 6\nEnd\n', 'd.txt')).toThrow(/line 2/));
  it('bad crystal atom', () => {
    const d = parseFdmnesDeck('Crystal\n 1 1 1 90 90 90\n 8 0 0\nEnd\n', 'd.txt');
    expect(() => fdmnesCrystal(d)).toThrow(/atom 1/);
  });
  it('Absorber indices are checked against the structure', () => {
    const s: Structure = {
      lattice: latticeFromParameters(4, 4, 4, 90, 90, 90),
      sites: [{ element: 'Ni', frac: [0, 0, 0] }],
      metadata: {},
    };
    expect(() => buildFdmnesDeck(s, { ...fdmnesSeedSettings('Ni'), absorber: { indices: [2] } })).toThrow(
      /outside/,
    );
    const d = buildFdmnesDeck(s, { ...fdmnesSeedSettings('Ni'), absorber: { indices: [1] } });
    expect(fdmnesBlock(d, 'Absorber')?.values).toEqual([['1']]);
  });
});
