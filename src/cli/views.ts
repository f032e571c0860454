import { RunReads } from '../app/reads.js';
import { openProjections, renderTraceTree, type ProjectionsHandle, type ProjectionsOptions, type RenderTraceOptions, type RunRow, type RunsQuery, type TraceView } from '../projections/index.js';
import type { EventStore } from '../store/eventStore.js';

/** The read side the CLI needs, over one store: the app's {@link RunReads}, plus rendering and closing. */
export interface CliReads extends Pick<RunReads, 'resolveRunId' | 'status' | 'freshStatus' | 'trace' | 'priceRuns' | 'watchRun'> {
  renderTrace(trace: TraceView, options?: RenderTraceOptions): string;
  /** One page of runs, with liveness. */
  runs(query: RunsQuery): Promise<RunRow[]>;
  close(): Promise<void>;
}

/**
 * Open the views of the store at `storeUrl`. The projection tables live beside the events (same
 * sqlite file, same postgres schema); they are brought up to date once, on the first query that
 * reads them, so every command sees every run recorded before it started. An exact run id needs
 * no projections at all.
 */
export async function openViews(storeUrl: string, store: EventStore, options: ProjectionsOptions = {}): Promise<CliReads> {
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
  const reads = new RunReads(store, projections, { atField: '--at' });
  return {
    resolveRunId: (prefix) => reads.resolveRunId(prefix),
    status: (runId, at) => reads.status(runId, at),
    freshStatus: (runId) => reads.freshStatus(runId),
    trace: (runId, at) => reads.trace(runId, at),
    priceRuns: (rows, prices) => reads.priceRuns(rows, prices),
    watchRun: (runId) => reads.watchRun(runId),
    renderTrace: (trace, renderOptions) => renderTraceTree(trace, renderOptions),
    runs: async (query) => (await reads.runs(query)).rows,
    async close() {
      if (!handle) return;
      const p = await handle.catch(() => undefined);
      await p?.close();
    },
  };
}
