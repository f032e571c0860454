import type { Observable } from 'rxjs';
import type { Usage } from '../events/common.js';
import type { RecordedEvent } from '../events/envelope.js';
import type { RunLifecycle, RunStatus } from './status.js';

/**
 * The contract of the projections module. The CLI, the HTTP server and
 * `engine.watch()` depend on these shapes; the implementation lives beside this file.
 */

/** One row of the runs list. */
export interface RunRow {
  runId: string;
  workflow: string;
  kind: string;
  status: RunLifecycle;
  model: string;
  parentRunId: string | undefined;
  startedAt: string;
  endedAt: string | undefined;
  /** Wall clock from start to end, once the run ended. */
  durationMs: number | undefined;
  /** Active time so far: the wall clock less waits, queueing and stalls (see `RunState.activeMs`). */
  activeMs: number;
  usage: Usage;
  /** Tokens of every model call in this run's own stream, by model (see `RunState.modelUsage`). */
  modelUsage: Record<string, Usage>;
  /** First characters of the input. */
  inputPreview: string;
  /** The top-level run of this run's tree (itself for a top-level run). */
  rootRunId?: string;
  /** Set when the run is a fork of another run at a stream position. */
  forkOf?: { runId: string; position: number } | undefined;
  /** Who holds the run's lease while it is running or stalled (set by the views from the lease table). */
  worker?: string | undefined;
}

/** Filters and paging of the runs list (newest first). */
export interface RunsQuery {
  status?: RunLifecycle;
  workflow?: string;
  /** Only top-level runs (no child runs) when true. */
  rootOnly?: boolean;
  limit?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
}

/** A page of runs. */
export interface RunsPage {
  rows: RunRow[];
  nextCursor: string | undefined;
}

/** One span of a run's trace tree. */
export interface TraceSpan {
  id: string;
  parentId: string | undefined;
  kind: 'run' | 'step' | 'model' | 'tool' | 'approval' | 'handoff' | 'branch' | 'child' | 'sdk';
  name: string;
  startedAt: string;
  endedAt: string | undefined;
  durationMs: number | undefined;
  usage: Usage | undefined;
  status: 'ok' | 'error' | 'running';
  attributes: Record<string, unknown>;
  children: TraceSpan[];
}

/** The trace of a run: run → steps → model calls, tool calls, approvals, handoffs, child runs, SDK spans. */
export interface TraceView {
  runId: string;
  traceId: string;
  root: TraceSpan;
  lastPosition: number;
}

/** Token usage and cost. `costUsd` is undefined when a model has no price. */
export interface UsageLine {
  usage: Usage;
  costUsd: number | undefined;
}

/** Usage per run, agent, model and overall. */
export interface UsageView {
  overall: UsageLine;
  byRun: Record<string, UsageLine>;
  byAgent: Record<string, UsageLine>;
  byModel: Record<string, UsageLine>;
}

/** USD per million tokens, per model. */
export type PriceTable = Record<string, { inputPerMillion: number; outputPerMillion: number }>;

/** What `engine.watch(runId)` emits. */
export interface WatchUpdate {
  event: RecordedEvent;
  status: RunStatus;
}

/** The projections of one store, kept current by a projection runner. */
export interface Projections {
  /** Apply every event stored so far, then resolve. */
  catchUp(): Promise<void>;
  /** Keep applying new events until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** Drop the views and the checkpoint and rebuild from the first event. */
  rebuild(): Promise<void>;
  runs(query?: RunsQuery): Promise<RunsPage>;
  /** Rows of the runs list with their cost (child runs included), priced from the views alone. */
  priceRuns<R extends RunRow>(rows: readonly R[], prices: PriceTable): Promise<Array<R & { costUsd: number | null }>>;
  status(runId: string): Promise<RunStatus | undefined>;
  trace(runId: string): Promise<TraceView | undefined>;
  usage(options?: { runId?: string; prices?: PriceTable }): Promise<UsageView>;
  /** The full runId for a unique prefix; throws NotFoundError (none) or ValidationError (ambiguous). */
  resolveRunId(prefix: string): Promise<string>;
  /** Live runs list: emits each changed row. */
  watchRuns(): Observable<RunRow>;
  close(): Promise<void>;
}
