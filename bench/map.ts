/**
 * Spectrum-image mapping throughput: a 100×100-pixel STEM-EELS spectrum image holding four edges (O K and
 * Ni/Mn/Co L2,3 in one 2048-channel acquisition, 440 eV + 0.3 eV/channel like the Si-doped NMC data) is mapped
 * with a 4-mode fused gradient-boosted model, preprocessing included (per pixel and mode: power-law background fit
 * and subtraction, cross-correlation alignment, resampling; then one batch prediction with the OOD score).
 * The image is built from the model's training spectra (ml/synthetic: physically shaped, not simulated) placed on
 * a power-law background with a random offset and Poisson noise. Goal: < 2 s on 2 cores.
 * Prints the serial time (calling thread only) and the parallel one (worker threads prepare pixel blocks while the
 * calling thread predicts them; see infer/map.ts), checks that both maps are identical, and ends with the parallel
 * time. The CPU times printed are what the process used; on a shared machine the wall time includes waiting for a
 * core (see the load average).
 * Usage: npx tsx bench/map.ts [--size N]
 */
import { cpus, loadavg } from 'node:os';
import { mapSpectrumImage } from '../src/infer/index.js';
import { buildModelFile } from '../src/ml/model-file.js';
import { makeRng } from '../src/ml/rng.js';
import { SYNTHETIC_MODES, syntheticDataset } from '../src/ml/synthetic.js';
import { trainPipeline } from '../src/ml/train.js';
import { resample } from '../src/preprocess/resample.js';
import { makeSpectrumImage } from '../src/spectrum/spectrum.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const si = args.indexOf('--size');
  const size = si >= 0 ? Number(args[si + 1]) : 100;
  const ds = syntheticDataset({ structures: 40, samplesPerStructure: 3, seed: 3 });
  const modes = [...SYNTHETIC_MODES];
  const pipe = await trainPipeline(ds, {
    modes,
    targets: ['ni_content', 'o_vacancy'],
    model: 'gbt',
    fusion: 'early',
    seed: 1,
    nthread: 1,
  });
  const model = buildModelFile(pipe);
  const channels = 2048;
  const axis = Float64Array.from({ length: channels }, (_, i) => 440 + 0.3 * i);
  const data = new Float32Array(size * size * channels);
  const rng = makeRng(5);
  const poisson = (lambda: number) => Math.max(0, lambda + Math.sqrt(lambda) * rng.normal()); // normal limit, λ ≫ 1
  for (let p = 0; p < size * size; p++) {
    const i = rng.int(ds.ids.length);
    const off = rng.next() - 0.5;
    const y = new Float64Array(channels);
    for (const m of modes) {
      const g = ds.modes[m]!.grid;
      const on = resample(
        Float64Array.from(g, (e) => e + off),
        ds.modes[m]!.X[i]!,
        axis,
        { fill: 0 },
      );
      for (let k = 0; k < channels; k++) y[k]! += 2000 * on[k]!;
    }
    const A = 6000 * 500 ** 3;
    for (let k = 0; k < channels; k++) data[p * channels + k] = poisson(y[k]! + A * axis[k]! ** -3);
  }
  const image = makeSpectrumImage({
    navShape: [size, size],
    channels,
    data,
    energyAxis: { offset: 440, scale: 0.3, units: 'eV' },
    meta: { technique: 'EELS', origin: { kind: 'measured' } },
  });
  console.log(
    `${size}×${size} pixels × ${channels} channels, modes ${model.modes.join(', ')}; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  // the synthetic edges sit at the model's own grid energies, not at the literature energies of real O K and
  // TM L3 features, so the absolute calibration is off here (it runs once on the summed spectrum: ~1 ms)
  const opts = { measurementDraws: 0, energyCalibration: 'off' } as const;
  const timed = async (workers: number | undefined) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await mapSpectrumImage(model, image, {
      ...opts,
      ...(workers !== undefined ? { workers } : {}),
    });
    const cpu = process.cpuUsage(c0);
    return { r, s: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  // warm-up (JIT) on a 20-row strip, so that neither timed run pays the compilation of the calling thread
  const strip = makeSpectrumImage({
    navShape: [Math.min(20, size), size],
    channels,
    data: data.subarray(0, Math.min(20, size) * size * channels),
    energyAxis: { offset: 440, scale: 0.3, units: 'eV' },
    meta: { technique: 'EELS', origin: { kind: 'measured' } },
  });
  await mapSpectrumImage(model, strip, { ...opts, workers: 0 });
  const serial = await timed(0);
  const parallel = await timed(undefined);
  // on a shared machine the wall time includes waiting for a core; the CPU time is what free cores would take
  console.log(
    `serial (1 thread): ${serial.s.toFixed(2)} s wall, ${serial.cpu.toFixed(2)} s CPU; parallel (${parallel.r.threads.workers} worker(s) + main, ${parallel.r.threads.blocksOnWorkers}/${parallel.r.threads.blocks} blocks prepared on workers): ${parallel.s.toFixed(2)} s wall, ${parallel.cpu.toFixed(2)} s CPU of this process (load average ${loadavg()[0]!.toFixed(1)})`,
  );
  const r = parallel.r;
  let same = serial.r.flagged.every((f, i) => f === r.flagged[i]);
  for (const [k, l] of r.layers.entries())
    same &&= l.value.every((v, i) => Object.is(v, serial.r.layers[k]!.value[i]));
  console.log(`parallel results identical to serial: ${same ? 'yes' : 'NO'}`);
  const flagged = r.flagged.reduce((a, b) => a + b, 0);
  const reasons = new Map<string, number>();
  for (const f of r.flags.flat()) {
    const k = f.replace(/[-\d.]+/g, '#');
    reasons.set(k, (reasons.get(k) ?? 0) + 1);
  }
  for (const [k, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3)) console.log(`  ${n}× ${k}`);
  console.log(
    `flagged ${flagged} of ${size * size} pixels; summed-spectrum ni_content ${r.summed.targets[0]!.value.toFixed(3)}`,
  );
  console.log(`speed-up parallel/serial: ${(serial.s / parallel.s).toFixed(2)}×`);
  console.log(`map-${size}x${size}: ${parallel.s.toFixed(2)} s`);
}

await main();
