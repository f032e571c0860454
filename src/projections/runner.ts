import { Subject } from 'rxjs';
import { eventTypes } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import type { CorruptEventError } from '../events/errors.js';
import type { EventStore } from '../store/eventStore.js';
import { BatchFold, corruptError, parseStoredViews } from './batch.js';
import { CheckpointConflictError } from './errors.js';
import { LiveDrain } from './liveDrain.js';
import { readLogPage } from './logPage.js';
import { PROJECTION_VERSIONS, type RunViews } from './fold.js';
import type { RunRecord } from './runsList.js';
import { STATUS_EVENT_TYPES } from './runState.js';
import type { BeforeCheckpointHook, ViewStore } from './viewStore.js';

/** Options of {@link ProjectionRunner}. */
export interface RunnerOptions {
  /**
   * Most events applied per transaction (default 50000; a batch also ends once it changed
   * {@link MAX_BATCH_RUNS} runs). Each changed run is written once per batch.
   */
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

/** Events read per page of a batch (the store's own page). */
const PAGE = 500;
/** A batch ends once it changed this many runs (their states are held until it is written). */
export const MAX_BATCH_RUNS = 5000;
/** The catalogue types the status view does not read: a status-only runner reads them as envelopes. */
const IGNORED_BY_STATUS: readonly string[] = eventTypes.filter((t) => !STATUS_EVENT_TYPES.has(t));
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
    this.batchSize = options.batchSize ?? 50_000;
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

  /**
   * One batch: pages of the log after the checkpoint, each folded as it is read (only the runs'
   * states are held), up to `batchSize` events or {@link MAX_BATCH_RUNS} changed runs; then each
   * changed run written once, with the new checkpoint. True when there may be more to read.
   */
  private async step(): Promise<boolean> {
    const expected = this.checkpoint;
    const batch = new BatchFold(this.detail);
    // The events are held for events$ only while someone follows it; else each page is dropped once folded.
    const held: RecordedEvent[] | undefined = this.events$.observed ? [] : undefined;
    // Without the trace and usage views, the payloads the status fold ignores are not even read.
    const envelopeOnly = this.detail || held ? undefined : IGNORED_BY_STATUS;
    let last: string | undefined;
    let corrupt: CorruptEventError | undefined;
    let read = 0;
    let more = true;
    while (more && corrupt === undefined && read < this.batchSize && batch.states.size < MAX_BATCH_RUNS) {
      const page = await readLogPage(this.store, last ?? expected, Math.min(PAGE, this.batchSize - read), { envelopeOnly });
      for (const [id, views] of await this.before(batch.missing(page.events))) batch.begin(id, views);
      batch.apply(page.events);
      held?.push(...page.events);
      read += page.events.length;
      last = page.last ?? last;
      corrupt = page.corrupt;
      more = page.more;
    }
    if (last === undefined) return false;
    const writes = batch.writes();
    const errors = batch.errors;
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
    this.stats.events += read + (corrupt ? 1 : 0);
    for (const [runId, views] of batch.states) {
      this.cache.delete(runId);
      if (!TERMINAL.has(views.status.status)) this.cache.set(runId, views);
    }
    for (const runId of this.cache.keys()) {
      if (this.cache.size <= (this.options.cacheSize ?? 2000)) break;
      this.cache.delete(runId);
    }
    for (const w of writes) this.rows$.next(w.row);
    if (held) for (const e of held) this.events$.next(e);
    return more;
  }

  /** The state of each run before the batch: cached, else stored, else undefined. */
  private async before(runIds: string[]): Promise<Map<string, RunViews | undefined>> {
    const before = new Map<string, RunViews | undefined>();
    if (runIds.length === 0) return before;
    const missing = runIds.filter((id) => {
      const cached = this.cache.get(id);
      if (cached) before.set(id, cached);
      return !cached;
    });
    if (missing.length === 0) return before;
    const stored = await this.views.loadRuns(missing);
    for (const id of missing) {
      const views = stored.get(id);
      before.set(id, views && parseStoredViews(views));
    }
    return before;
  }
}
