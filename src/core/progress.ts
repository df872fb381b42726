/**
 * Long work as a cancellable task with progress (molstar-style): functions that may run for more than a few seconds
 * take an optional `TaskContext`, call `report` as they go and check `signal` between units of work.
 * The CLI draws the reports as a bar; the web app sends them as events; campaigns store them.
 */
export interface ProgressReport {
  readonly done: number;
  readonly total: number;
  readonly message?: string;
}

export interface TaskContext {
  readonly signal?: AbortSignal;
  readonly report?: (p: ProgressReport) => void;
}

export function checkAborted(ctx: TaskContext | undefined): void {
  if (ctx?.signal?.aborted) {
    throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('cancelled');
  }
}
