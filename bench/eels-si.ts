/**
 * bench/eels-si: time to background-subtract and normalize every pixel of the Si-doped NMC STEM-EELS spectrum image
 * (../shared/data/eels/nmc-si-doped/TM_TM-O_EELS_Spectrum_Image.dm3: 21 × 2 pixels × 2048 channels, 440–1054 eV).
 *
 * Per pixel: power-law background A·E^−r fitted over the O K pre-edge window 470–525 eV (Egerton's two-area method,
 * the same estimator as HyperSpy's fast removal) and subtracted over the whole spectrum, then area normalization
 * over the O K edge 525–560 eV. The best of several repetitions is reported (reading the file is not timed).
 * If Debian's python3-hyperspy is present, its `remove_background(signal_range=(470, 525), background_type='PowerLaw',
 * fast=True)` on the same image is timed in the same run and the ratio printed.
 * Run: npx tsx bench/eels-si.ts        Last line: `eels-si: X ms`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readSpectra } from '../src/io/spectra/index.js';
import { areaNormalize, mapPixels, removePowerLawBackground } from '../src/preprocess/index.js';
import { pixelCount } from '../src/spectrum/spectrum.js';
import { PROJECT_ROOT, sharedPath } from '../test/shared.js';

const FILE = sharedPath('data', 'eels', 'nmc-si-doped', 'TM_TM-O_EELS_Spectrum_Image.dm3');
const FIT: [number, number] = [470, 525];
const EDGE: [number, number] = [525, 560];
const REPEAT = 20;

const image = readSpectra(FILE).value.image;
if (!image) throw new Error(`${FILE} holds no spectrum image`);
const pixels = pixelCount(image);

function processAll(method: 'two-area' | 'log-lsq'): Float64Array {
  return mapPixels(image!, (e, y) => {
    const bg = removePowerLawBackground(e, y, { from: FIT[0], to: FIT[1], method });
    return areaNormalize(e, bg.signal, EDGE);
  });
}

function best(fn: () => unknown): number {
  let b = Number.POSITIVE_INFINITY;
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

processAll('two-area'); // warm-up (JIT)
const msTwo = best(() => processAll('two-area'));
const msLsq = best(() => processAll('log-lsq'));
console.log(`image: ${image.navShape.join(' × ')} pixels × ${image.channels} channels (${pixels} spectra)`);
console.log(
  `specfuse two-area background + area normalization: ${msTwo.toFixed(2)} ms (${((1000 * msTwo) / pixels).toFixed(1)} µs/pixel)`,
);
console.log(`specfuse log-lsq background + area normalization:  ${msLsq.toFixed(2)} ms`);

const hasHs =
  spawnSync('/usr/bin/python3', ['-c', 'import hyperspy.api'], { stdio: 'ignore', timeout: 120_000 })
    .status === 0;
if (hasHs) {
  const req = {
    image: {
      offset: image.energyAxis.offset,
      scale: image.energyAxis.scale,
      nav: image.navShape,
      data: Array.from(image.data),
      from: FIT[0],
      to: FIT[1],
      repeat: 5,
    },
  };
  const r = spawnSync('/usr/bin/python3', [join(PROJECT_ROOT, 'test', 'oracles', 'hyperspy_eels.py')], {
    input: JSON.stringify(req),
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  if (r.status === 0) {
    const hsMs = (JSON.parse(r.stdout) as { image_ms: number }).image_ms;
    console.log(`HyperSpy remove_background (PowerLaw, fast=True), background only: ${hsMs.toFixed(2)} ms`);
    console.log(`ratio HyperSpy / specfuse: ${(hsMs / msTwo).toFixed(1)}×`);
  } else console.log(`HyperSpy run failed (exit ${r.status}); no ratio`);
} else console.log('HyperSpy (Debian python3-hyperspy) not present; no ratio');
console.log(`eels-si: ${msTwo.toFixed(2)} ms`);
