/**
 * The study's answer as data: per mode combination (each single mode, the seed paper's four-mode fusion, all-mode
 * fusion) and per target, metrics with 95 % cluster-bootstrap intervals from grouped cross-validation. Rendering to
 * Markdown and the plain-language conclusion are pure functions of these numbers (nothing is written in advance).
 */

export type RowKind = 'single' | 'seed-fusion' | 'all-fusion';

export interface Cell {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
}

export interface TargetInfo {
  readonly name: string;
  readonly task: 'regression' | 'classification';
  /** Metrics shown for this target, in order. */
  readonly metrics: readonly string[];
  /** Why a target has no numbers (e.g. constant in the dataset). */
  readonly skipped?: string;
}

export interface StudyRow {
  readonly kind: RowKind;
  readonly label: string;
  readonly modes: readonly string[];
  /** metrics[target][metric] */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, Cell>>>>;
}

export interface StudyTable {
  readonly protocol: string;
  readonly targets: readonly TargetInfo[];
  readonly rows: readonly StudyRow[];
}

const HUMAN_TARGET: Record<string, string> = {
  li_content: 'Li content',
  ni_content: 'Ni content',
  mn_content: 'Mn content',
  co_content: 'Co content',
  o_vacancy: 'O-vacancy detection',
  antisite: 'antisite detection',
};

const HIGHER_BETTER: Record<string, boolean> = {
  r2: true,
  mae: false,
  rmse: false,
  accuracy: true,
  f1: true,
  auc: true,
};
const METRIC_LABEL: Record<string, string> = {
  r2: 'R²',
  mae: 'MAE',
  rmse: 'RMSE',
  accuracy: 'accuracy',
  f1: 'F1',
  auc: 'AUC',
};

export function humanTarget(t: string): string {
  return HUMAN_TARGET[t] ?? t.replace(/_/g, ' ');
}

export function humanMode(m: string): string {
  const [el, edge] = m.split(':');
  return `${el} ${edge === 'L23' ? 'L2,3' : edge}`;
}

/** The metric that decides "better" for a target: R² for regression, AUC for classification. */
export function headlineMetric(t: TargetInfo): string {
  return t.task === 'classification' ? 'auc' : 'r2';
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toFixed(3);
}

export function formatCell(c: Cell | undefined): string {
  if (!c) return '–';
  return `${fmt(c.value)} [${fmt(c.lo)}, ${fmt(c.hi)}]`;
}

/** Markdown table: one row per mode combination, one column per target × metric, 95 % intervals in brackets. */
export function tableMarkdown(table: StudyTable): string {
  const cols = table.targets
    .filter((t) => !t.skipped)
    .flatMap((t) => t.metrics.map((m) => ({ t: t.name, m })));
  const head = `| modes | ${cols.map((c) => `${humanTarget(c.t)} ${METRIC_LABEL[c.m] ?? c.m}`).join(' | ')} |`;
  const sep = `|---|${cols.map(() => '---').join('|')}|`;
  const body = table.rows.map(
    (r) => `| ${r.label} | ${cols.map((c) => formatCell(r.metrics[c.t]?.[c.m])).join(' | ')} |`,
  );
  const skipped = table.targets
    .filter((t) => t.skipped)
    .map((t) => `- ${humanTarget(t.name)}: not evaluated (${t.skipped}).`);
  return [
    head,
    sep,
    ...body,
    '',
    `Protocol: ${table.protocol}. Brackets: 95 % cluster-bootstrap intervals (resampling structures).`,
    ...(skipped.length ? ['', ...skipped] : []),
  ].join('\n');
}

export interface Verdict {
  readonly target: string;
  readonly metric: string;
  readonly bestSingle: StudyRow;
  readonly best: Cell;
  readonly fusion: StudyRow;
  readonly fused: Cell;
  readonly better: boolean;
  /** Better and the 95 % intervals do not overlap. */
  readonly significant: boolean;
}

/** Per target: the all-mode fusion against the best single mode, on the headline metric. */
export function verdicts(table: StudyTable): Verdict[] {
  const out: Verdict[] = [];
  const fusion = table.rows.find((r) => r.kind === 'all-fusion');
  if (!fusion) return out;
  for (const t of table.targets) {
    if (t.skipped) continue;
    const m = headlineMetric(t);
    const sign = HIGHER_BETTER[m] === false ? -1 : 1;
    const singles = table.rows.filter((r) => r.kind === 'single' && r.metrics[t.name]?.[m]);
    const fused = fusion.metrics[t.name]?.[m];
    if (!fused || singles.length === 0) continue;
    const bestSingle = singles.reduce((a, b) =>
      sign * b.metrics[t.name]![m]!.value > sign * a.metrics[t.name]![m]!.value ? b : a,
    );
    const best = bestSingle.metrics[t.name]![m]!;
    const better = sign * fused.value > sign * best.value;
    const significant = better && (sign > 0 ? fused.lo > best.hi : fused.hi < best.lo);
    out.push({ target: t.name, metric: m, bestSingle, best, fusion, fused, better, significant });
  }
  return out;
}

/**
 * One paragraph in plain language, generated from the numbers: which targets fusion helps (with non-overlapping
 * intervals), which it helps only within the noise, which it does not help, and what was left out.
 */
export function conclusionParagraph(
  table: StudyTable,
  context: { readonly structures: number; readonly excluded: readonly { mode: string; reason: string }[] },
): string {
  const vs = verdicts(table);
  const fusion = table.rows.find((r) => r.kind === 'all-fusion');
  if (!fusion || vs.length === 0)
    return `With ${table.rows.length} mode combination(s) and no evaluable target, no comparison between single and fused modes could be made.`;
  const nModes = fusion.modes.length;
  const phrase = (v: Verdict) =>
    `${humanTarget(v.target)} (${METRIC_LABEL[v.metric]} ${fmt(v.fused.value)} fused vs ${fmt(v.best.value)} for the best single mode, ${v.bestSingle.label})`;
  const sig = vs.filter((v) => v.significant);
  const within = vs.filter((v) => v.better && !v.significant);
  const worse = vs.filter((v) => !v.better);
  const parts: string[] = [];
  parts.push(
    `On ${context.structures} simulated NMC structures, evaluated by grouped cross-validation so that no structure is seen in both training and testing, fusing all ${nModes} modes (${fusion.modes.map(humanMode).join(', ')})`,
  );
  if (sig.length > 0)
    parts[0] += ` clearly beats every single mode for ${sig.map(phrase).join('; ')}, with non-overlapping 95 % intervals.`;
  else
    parts[0] +=
      ' does not beat the best single mode by more than the statistical uncertainty for any target.';
  if (within.length > 0)
    parts.push(
      `For ${within.map(phrase).join('; ')}, fusion is ahead but the intervals overlap, so this run cannot call the gain real.`,
    );
  if (worse.length > 0)
    parts.push(
      `For ${worse.map(phrase).join('; ')}, one mode alone does as well or better than the fusion: that mode already carries the information and the extra modes add noise for this training-set size.`,
    );
  const skipped = table.targets.filter((t) => t.skipped);
  if (skipped.length > 0)
    parts.push(`Not evaluated: ${skipped.map((t) => `${humanTarget(t.name)} (${t.skipped})`).join('; ')}.`);
  if (context.excluded.length > 0)
    parts.push(
      `Modes of the full study not in this run: ${context.excluded.map((e) => `${humanMode(e.mode)} (${e.reason})`).join('; ')}.`,
    );
  return parts.join(' ');
}
