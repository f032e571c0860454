import type { NormalizedRunsQuery, RunRecord } from './runsList.js';
import type { UsageRow } from './usage.js';

/** Where the runner stands: the global position it has applied up to, and the projection versions. */
export interface ViewMeta {
  /** Global position of the last applied (or skipped) event; undefined before the first. */
  checkpoint: string | undefined;
  /** Versions the stored views were built with; undefined when nothing was built yet. */
  versions: Record<string, number> | undefined;
}

/** The stored views of one run, as JSON text. */
export interface StoredRunViews {
  status: string;
  trace: string;
  usage: string;
}

/** Everything the runner writes for one changed run. */
export interface RunWrite {
  runId: string;
  views: StoredRunViews;
  row: RunRecord;
  /** The run's usage rows, replacing its previous ones; omitted when unchanged. */
  usage?: UsageRow[];
}

/** A recorded projection error: an unreadable or rejected event and where it is. */
export interface ProjectionError {
  globalPosition: string;
  streamId: string;
  streamPosition: number;
  eventId: string | undefined;
  type: string | undefined;
  code: string;
  message: string;
  recordedAt: string;
}

/** One batch of the runner: written in one transaction, or not at all. */
export interface ViewCommit {
  /** The checkpoint the batch starts from; the commit fails with CheckpointConflictError when the stored one differs. */
  expected: string | undefined;
  checkpoint: string;
  runs: RunWrite[];
  errors: ProjectionError[];
}

/** Fault injection for crash tests: runs inside the transaction after the views, before the checkpoint. */
export type BeforeCheckpointHook = () => void | Promise<void>;

/**
 * Storage of the projection views and their checkpoint, in the database of the event store
 * (adapters: memory, sqlite, postgres). A commit writes views, errors and checkpoint atomically.
 * @example
 * ```ts
 * const views = await openViewStore('sqlite:.aigen/aigen.db', store);
 * const { checkpoint } = await views.readMeta();
 * ```
 */
export interface ViewStore {
  readonly kind: string;
  readMeta(): Promise<ViewMeta>;
  /** Stored views of these runs (missing runs are absent from the map). */
  loadRuns(runIds: readonly string[]): Promise<Map<string, StoredRunViews>>;
  /** Write one batch atomically; throws CheckpointConflictError when `expected` is not the stored checkpoint. */
  commit(batch: ViewCommit, beforeCheckpoint?: BeforeCheckpointHook): Promise<void>;
  /** Drop every view, error and the checkpoint; record `versions`. */
  reset(versions: Record<string, number>): Promise<void>;
  status(runId: string): Promise<string | undefined>;
  trace(runId: string): Promise<string | undefined>;
  /** Runs forked from `runId`, by position. */
  forksOf(runId: string): Promise<Array<{ runId: string; position: number }>>;
  /** A page of the runs list: up to `limit + 1` rows. */
  queryRuns(q: NormalizedRunsQuery): Promise<RunRecord[]>;
  /** The plan the database uses for {@link queryRuns} (for tests and diagnostics). */
  explainRuns(q: NormalizedRunsQuery): Promise<string>;
  /** The runs-list rows of these top-level runs and of every run below them (their trees). */
  runTrees(rootRunIds: readonly string[]): Promise<RunRecord[]>;
  /** Usage rows of every run, or of one run and the runs below it. */
  usageRows(runId?: string): Promise<UsageRow[]>;
  /** Run ids starting with `prefix`, at most `limit`, the exact match first. */
  matchRunIds(prefix: string, limit: number): Promise<string[]>;
  errors(): Promise<ProjectionError[]>;
  /** Insert runs-list rows directly (tests, imports); rows must be new. */
  bulkInsertRuns(rows: readonly RunRecord[]): Promise<void>;
  close(): Promise<void>;
}
