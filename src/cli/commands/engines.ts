import type { Command } from 'commander';
import { detectExternalEngines, EXTERNAL_ADAPTERS } from '../../simulate/external/index.js';
import { engineNames, getEngine } from '../../simulate/registry.js';
import { makeOutput } from '../context.js';

/** `specfuse engines`: every simulation engine, built-in or external, and whether its program is installed. */
export function register(program: Command): void {
  program
    .command('engines')
    .description(
      'List simulation engines (built-in and external: FEFF, FDMNES, XSpectra) and what is installed',
    )
    .option('--json', 'one JSON document on stdout')
    .action((opts: { json?: boolean }) => {
      const out = makeOutput(Boolean(opts.json));
      const external = new Map(detectExternalEngines().map((t) => [t.name, t]));
      const externalNames = new Set(EXTERNAL_ADAPTERS.map((a) => a.name));
      const engines = engineNames().map((name) => {
        const t = external.get(name);
        if (t) return { ...t, name, kind: 'external' as const, edges: [...getEngine(name).edges] };
        const e = getEngine(name);
        return { name, kind: 'built-in' as const, installed: true, version: e.version, edges: [...e.edges] };
      });
      for (const [name, t] of external)
        if (!engines.some((e) => e.name === name) && externalNames.has(name))
          engines.push({ ...t, name, kind: 'external' as const, edges: [] });
      out.result({ engines }, () =>
        engines
          .map((e) => {
            const status = e.installed ? `installed  ${e.version ?? ''}` : 'not installed';
            const where = 'path' in e && e.path ? `  (${e.path})` : '';
            const note = 'note' in e && e.note ? `\n    ${e.note}` : '';
            return `${e.name.padEnd(10)} ${e.kind.padEnd(9)} ${status}${where}${note}`;
          })
          .join('\n'),
      );
    });
}
