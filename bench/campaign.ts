/**
 * Campaign throughput: the example campaign (examples/campaign-small.json: NMC811 + NMC622 × pristine / O-vacancy /
 * antisite; its modes O K (fms, one seeded absorber) and Ni/Mn/Co L2,3 (multiplet, all absorbers)) run from a planned database with
 * 1 and with 2 local worker threads. Prints samples/min for each and the speed-up (goal ≥ 1.8× on 2 free cores).
 * Planning (structure building and labels, once per campaign) is excluded; worker start-up is included.
 * The machine's load average is printed: on a shared machine the second worker only helps if a core is free.
 * Usage: npx tsx bench/campaign.ts [config.json] [--scale K]   (K multiplies every class's structure count; default 1)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCampaign, parseCampaignConfig, runLocal } from '../src/dataset/index.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const si = args.indexOf('--scale');
  const scale = si >= 0 ? Number(args[si + 1]) : 1;
  const file =
    args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--scale') ??
    join(import.meta.dirname, '..', 'examples', 'campaign-small.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { classes: { count: number }[] };
  raw.classes = raw.classes.map((c) => ({ ...c, count: c.count * scale }));
  const config = parseCampaignConfig(JSON.stringify(raw), file);
  const dir = mkdtempSync(join(tmpdir(), 'specfuse-bench-'));
  const rates: Record<number, number> = {};
  console.log(
    `campaign ${config.name} ×${scale}: modes ${config.modes.map((m) => `${m.key}:${m.engine}`).join(', ')}; ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  try {
    for (const workers of [1, 2]) {
      const db = join(dir, `w${workers}.duckdb`);
      (await openCampaign(db, config)).close();
      const t0 = performance.now();
      const r = await runLocal(db, config, { workers });
      const minutes = (performance.now() - t0) / 60000;
      rates[workers] = r.status.samples / minutes;
      console.log(
        `workers ${workers}: ${r.status.samples} samples (${r.status.jobs.done} jobs) in ${(minutes * 60).toFixed(1)} s → ${rates[workers]!.toFixed(1)} samples/min (load average ${loadavg()[0]!.toFixed(1)})`,
      );
      if (r.status.jobs.failed > 0)
        console.log(`  ${r.status.jobs.failed} jobs failed: ${r.status.errors[0]?.error}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`campaign-speedup-2-workers: ${(rates[2]! / rates[1]!).toFixed(2)} x`);
}

await main();
