/**
 * The main job's evaluation.json, flattened for the Model page: one row per (model row, target, metric) with the
 * bootstrap interval, and a ready-to-render table (one line per single mode / fusion, one column per target and
 * metric). The file's own `table` (protocol, targets, nested rows) is kept under `evaluationTable`.
 */
export interface FlatRow {
  label: string;
  modes: string[];
  kind?: string;
  target: string;
  metric: string;
  value: number | null;
  lower?: number | null;
  upper?: number | null;
}

const fin = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function flattenEvaluation(doc: unknown): Record<string, unknown> & {
  rows: FlatRow[];
  table: { columns: string[]; rows: (string | number | null)[][] };
} {
  const d = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const t = (d.table && typeof d.table === 'object' ? d.table : {}) as Record<string, unknown>;
  const fileRows = Array.isArray(t.rows) ? (t.rows as Record<string, unknown>[]) : [];
  const declared = Array.isArray(t.targets)
    ? (t.targets as { name?: unknown; metrics?: unknown }[])
        .filter((x) => typeof x.name === 'string')
        .map((x) => ({
          name: x.name as string,
          metrics: Array.isArray(x.metrics) ? (x.metrics as unknown[]).map(String) : [],
        }))
    : [];
  const rows: FlatRow[] = [];
  const seen: { target: string; metric: string }[] = [];
  for (const r of fileRows) {
    const label = String(r.label ?? '');
    const modes = Array.isArray(r.modes) ? (r.modes as unknown[]).map(String) : [];
    const metrics = (r.metrics && typeof r.metrics === 'object' ? r.metrics : {}) as Record<
      string,
      Record<string, { value?: unknown; lo?: unknown; hi?: unknown }>
    >;
    for (const [target, ms] of Object.entries(metrics))
      for (const [metric, v] of Object.entries(ms ?? {})) {
        rows.push({
          label,
          modes,
          ...(typeof r.kind === 'string' ? { kind: r.kind } : {}),
          target,
          metric,
          value: fin(v?.value),
          lower: fin(v?.lo),
          upper: fin(v?.hi),
        });
        if (!seen.some((s) => s.target === target && s.metric === metric)) seen.push({ target, metric });
      }
  }
  // columns: the targets' headline metrics as the file declares them, else every metric found
  const cols = declared.length
    ? declared.flatMap((x) => x.metrics.map((metric) => ({ target: x.name, metric })))
    : seen;
  const table = {
    columns: ['model', 'modes', ...cols.map((c) => `${c.target} ${c.metric}`)],
    rows: fileRows.map((r) => {
      const label = String(r.label ?? '');
      const modes = Array.isArray(r.modes) ? (r.modes as unknown[]).map(String).join(' + ') : '';
      return [
        label,
        modes,
        ...cols.map(
          (c) =>
            rows.find((x) => x.label === label && x.target === c.target && x.metric === c.metric)?.value ??
            null,
        ),
      ];
    }),
  };
  const { table: original, ...rest } = d;
  return { ...rest, ...(original !== undefined ? { evaluationTable: original } : {}), rows, table };
}
