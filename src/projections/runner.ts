import { Subject } from 'rxjs';
import type { RecordedEvent } from '../events/envelope.js';
import type { EventStore } from '../store/eventStore.js';
import { applyBatch, corruptError, parseStoredViews, runIdsOf } from './batch.js';
import { CheckpointConflictError } from './errors.js';
import { LiveDrain } from './liveDrain.js';
import { readLogPage } from './logPage.js';
import { PROJECTION_VERSIONS, type RunViews } from './fold.js';
import type { RunRecord } from './runsList.js';
import type { BeforeCheckpointHook, ViewStore } from './viewStore.js';

/** Options of {@link ProjectionRunner}. */
export interface RunnerOptions {
  /** Most events read and written per transaction (default 10000). */
  batchSize?: number;
  /** Run states of active runs kept in memory between batches (default 2000). */
  cacheSize?: number;
  /**
   * Keep the trace and usage views too (default true). With false only the status and runs views
   * are kept, which rebuilds faster; `trace()` and `usage()` then fold the store on demand.
   */
  detail?: boolean;
  /** Projection versions (default {@link PROJECTION_VERSIONS}); a change rebuilds the views. */
  versions?: Record<string, number>;
  /** Fault injection for crash tests (see {@link BeforeCheckpointHook}). */
  beforeCheckpoint?: BeforeCheckpointHook;
  /** Called when the live runner fails a batch (it retries after `retryMs`). */
  onError?: (error: unknown) => void;
  retryMs?: number;
}

const TERMINAL = new Set(['completed', 'partial', 'failed', 'cancelled']);
const same = (a: Record<string, number> | undefined, b: Record<string, number>) =>
  a !== undefined && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

/**
 * Folds the store's run events into the views of a {@link ViewStore}: reads a page after the
 * stored checkpoint, applies it with the pure reducers, and writes the changed rows and the new
 * checkpoint in one transaction. Unreadable and rejected events become projection errors.
 * @example
 * ```ts
 * const runner = new ProjectionRunner(store, views);
 * await runner.prepare(); await runner.catchUp();
 * ```
 */
export class ProjectionRunner {
  /** Each runs-list row changed by a committed batch. */
  readonly rows$ = new Subject<RunRecord>();
  /** Each event of a committed batch, in log order (metrics follow the log through it). */
  readonly events$ = new Subject<RecordedEvent>();
  /** Counters: committed batches, events read in them, batches lost to another runner. */
  readonly stats = { batches: 0, events: 0, conflicts: 0 };
  private checkpoint: string | undefined;
  private readonly cache = new Map<string, RunViews>();
  private readonly loop: LiveDrain;
  private readonly batchSize: number;
  private readonly versions: Record<string, number>;
  /** True when the trace and usage views are kept. */
  readonly detail: boolean;

  constructor(
    private readonly store: EventStore,
    private readonly views: ViewStore,
    private readonly options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 10_000;
    this.detail = options.detail ?? true;
    const { trace, usage, ...core } = PROJECTION_VERSIONS;
    this.versions = options.versions ?? (this.detail ? { ...core, trace, usage } : core);
    this.loop = new LiveDrain(store, () => this.drain(), { from: () => this.checkpoint ?? 'start', onError: options.onError, retryMs: options.retryMs });
  }

  /** Load the checkpoint; when the stored views were built with other versions, drop them. True when it reset. */
  prepare(): Promise<boolean> {
    return this.exclusive(async () => {
      const meta = await this.views.readMeta();
      if (same(meta.versions, this.versions)) {
        this.checkpoint = meta.checkpoint;
        return false;
      }
      await this.reset();
      return true;
    });
  }

  /** Apply every event stored so far. */
  catchUp(): Promise<void> {
    return this.exclusive(() => this.drain());
  }

  /** Drop the views and the checkpoint, then apply every event from the first. */
  async rebuild(): Promise<void> {
    await this.exclusive(() => this.reset());
    await this.catchUp();
  }

  /** Catch up, then keep applying new events as they are stored, until {@link stop}. */
  start(): void {
    this.loop.start();
  }

  /** Stop applying new events; resolves when the batch in progress is written. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** True between {@link start} and {@link stop}. */
  get isRunning(): boolean {
    return this.loop.isRunning;
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.loop.exclusive(fn);
  }

  private async reset(): Promise<void> {
    await this.views.reset(this.versions);
    this.checkpoint = undefined;
    this.cache.clear();
  }

  private async drain(): Promise<void> {
    while (await this.step());
  }

  /** One batch. True when there may be more to read. */
  private async step(): Promise<boolean> {
    const expected = this.checkpoint;
    const { events, corrupt, last, more } = await readLogPage(this.store, expected, this.batchSize);
    if (last === undefined) return false;
    const { writes, errors, states } = applyBatch(events, await this.before(runIdsOf(events)), this.detail);
    if (corrupt) errors.push(corruptError(corrupt));
    try {
      await this.views.commit({ expected, checkpoint: last, runs: writes, errors }, this.options.beforeCheckpoint);
    } catch (err) {
      if (!(err instanceof CheckpointConflictError)) throw err;
      // Another runner wrote these views: forget what this one cached and continue from there.
      this.stats.conflicts++;
      this.cache.clear();
      this.checkpoint = (await this.views.readMeta()).checkpoint;
      return true;
    }
    this.checkpoint = last;
    this.stats.batches++;
    this.stats.events += events.length + (corrupt ? 1 : 0);
    for (const [runId, views] of states) {
      this.cache.delete(runId);
      if (!TERMINAL.has(views.status.status)) this.cache.set(runId, views);
    }
    for (const runId of this.cache.keys()) {
      if (this.cache.size <= (this.options.cacheSize ?? 2000)) break;
      this.cache.delete(runId);
    }
    for (const w of writes) this.rows$.next(w.row);
    for (const e of events) this.events$.next(e);
    return more;
  }

  /** The state of each run before the batch: cached, else stored, else absent. */
  private async before(runIds: string[]): Promise<Map<string, RunViews>> {
    const before = new Map<string, RunViews>();
    const missing = runIds.filter((id) => {
      const cached = this.cache.get(id);
      if (cached) before.set(id, cached);
      return !cached;
    });
    for (const [id, stored] of await this.views.loadRuns(missing)) before.set(id, parseStoredViews(stored));
    return before;
  }
}
