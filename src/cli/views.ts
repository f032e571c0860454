import type { Observable } from 'rxjs';
import { oneWithLiveness, runsWithLiveness } from '../app/liveness.js';
import { resolveRunId } from '../app/runs.js';
import { NotFoundError } from '../errors.js';
import { runStreamId } from '../events/streams.js';
import { assertPositionInRun } from './input.js';
import {
  openProjections,
  renderTraceTree,
  statusAt,
  watchRun,
  type ProjectionsHandle,
  type PriceTable,
  type ProjectionsOptions,
  type RenderTraceOptions,
  type RunRow,
  type RunsQuery,
  type RunStatus,
  type TraceView,
  type WatchUpdate,
} from '../projections/index.js';
import type { EventStore } from '../store/eventStore.js';

/** The read side the CLI needs, over one store (the projections module, opened on demand). */
export interface RunViews {
  /** The full runId for an exact id or a unique prefix (a run's own prefix wins over its child runs'). */
  resolveRunId(idOrPrefix: string): Promise<string>;
  /** The status view, as of stream position `at` (inclusive) when given. */
  status(runId: string, at?: number): Promise<RunStatus>;
  /** The status folded from the run's own events only (no projection catch-up). */
  freshStatus(runId: string): Promise<RunStatus>;
  /** The trace tree, child runs nested, as of stream position `at` when given. */
  trace(runId: string, at?: number): Promise<TraceView>;
  renderTrace(trace: TraceView, options?: RenderTraceOptions): string;
  runs(query: RunsQuery): Promise<RunRow[]>;
  /** Runs-list rows with their cost (child runs included), priced from the views alone. */
  priceRuns<R extends RunRow>(rows: readonly R[], prices: PriceTable): Promise<Array<R & { costUsd: number | null }>>;
  /** `{ event, status }` for each event of a run, live, completing after its terminal event. */
  watchRun(runId: string): Observable<WatchUpdate>;
  close(): Promise<void>;
}

/**
 * Open the views of the store at `storeUrl`. The projection tables live beside the events (same
 * sqlite file, same postgres schema); they are brought up to date once, on the first query that
 * reads them, so every command sees every run recorded before it started.
 */
export async function openViews(storeUrl: string, store: EventStore, options: ProjectionsOptions = {}): Promise<RunViews> {
  await Promise.resolve();
  let handle: Promise<ProjectionsHandle> | undefined;
  const projections = (): Promise<ProjectionsHandle> => {
    handle ??= (async () => {
      const p = await openProjections(storeUrl, store, options);
      await p.catchUp();
      return p;
    })();
    return handle;
  };
  const found = <T>(runId: string, value: T | undefined): T => {
    if (value === undefined) throw new NotFoundError('run', runId);
    return value;
  };

  // An exact id needs no projections at all: they are opened only for a prefix.
  const lazy = { resolveRunId: async (prefix: string) => (await projections()).resolveRunId(prefix) };

  /** `--at` must name a position the run has. */
  const checkAt = async (runId: string, at: number | undefined): Promise<void> => {
    if (at !== undefined) assertPositionInRun(runId, at, await store.streamVersion(runStreamId(runId)));
  };

  return {
    resolveRunId: (prefix) => resolveRunId(store, lazy, prefix),
    async status(runId, at) {
      await checkAt(runId, at);
      const p = await projections();
      if (at !== undefined) return found(runId, await p.statusAt(runId, at));
      return oneWithLiveness(store, found(runId, await p.status(runId)));
    },
    async freshStatus(runId) {
      return oneWithLiveness(store, found(runId, await statusAt(store, runId, undefined, { forks: false })));
    },
    async trace(runId, at) {
      await checkAt(runId, at);
      const p = await projections();
      return found(runId, at === undefined ? await p.trace(runId, { children: true }) : await p.traceAt(runId, at, { children: true }));
    },
    renderTrace: (trace, options) => renderTraceTree(trace, options),
    async runs(query) {
      const p = await projections();
      return runsWithLiveness(store, query.status, async (status) => (await p.runs({ ...query, status })).rows);
    },
    async priceRuns(rows, prices) {
      return (await projections()).priceRuns(rows, prices);
    },
    watchRun: (runId) => watchRun(store, runId),
    async close() {
      if (!handle) return;
      const p = await handle.catch(() => undefined);
      await p?.close();
    },
  };
}
