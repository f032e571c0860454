import type { Observable } from 'rxjs';
import { NotFoundError, ValidationError } from '../errors.js';
import type { EventData } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import { TERMINAL_EVENT_TYPES } from '../events/terminal.js';
import type { PriceTable, Projections, RunRow, RunsPage, RunsQuery, TraceView, WatchUpdate } from '../projections/api.js';
import { statusAt, traceAt } from '../projections/at.js';
import { runCost, type CostedRunRow, type RunCost } from '../projections/cost.js';
import type { RunStatus } from '../projections/status.js';
import { watchRun } from '../projections/watch.js';
import type { EventFilter, EventStore } from '../store/eventStore.js';
import { oneWithLiveness, runsWithLiveness } from './liveness.js';
import { resolveRunId } from './runs.js';
import { pendingDecisions, type PendingDecision } from './waits.js';

/**
 * The projections {@link RunReads} reads. Any {@link Projections} works; one that also answers
 * views at a position (what `openProjections` returns) is asked for them, and the others are
 * folded from the run's events.
 */
export interface ReadProjections extends Projections {
  statusAt?(runId: string, position?: number): Promise<RunStatus | undefined>;
  traceAt?(runId: string, position?: number, options?: { children?: boolean }): Promise<TraceView | undefined>;
  /** The trace view; with `children`, each child run's trace nested under its span. */
  trace(runId: string, options?: { children?: boolean }): Promise<TraceView | undefined>;
}

/** Options of {@link RunReads}. */
export interface RunReadsOptions {
  /** How the caller names a position in its errors: `--at` on the command line, `query.at` over HTTP (default `at`). */
  atField?: string;
  /**
   * Where the current status and trace come from: `views` (the projections, caught up by the
   * caller: one command) or `log` (folded from the run's events: a server whose views follow
   * the store live, and may be a batch behind). Default `views`.
   */
  current?: 'views' | 'log';
}

/**
 * The read side of one store, shared by the CLI and the server: a run id from a prefix, a run's
 * status and trace (now, or as of a stream position), its workflow definition, pages of its
 * events, and the runs list with liveness. The projections are opened by the caller on first
 * use (`projections()` is called only when a read needs a view).
 * @example
 * ```ts
 * const reads = new RunReads(store, async () => projections, { atField: '--at' });
 * const status = await reads.status(await reads.resolveRunId('1a2b'), 12);
 * ```
 */
export class RunReads {
  private readonly atField: string;
  private readonly fromLog: boolean;

  constructor(
    private readonly store: EventStore,
    private readonly projections: () => Promise<ReadProjections>,
    options: RunReadsOptions = {},
  ) {
    this.atField = options.atField ?? 'at';
    this.fromLog = options.current === 'log';
  }

  /** The full run id for an exact id (no projections needed) or a unique prefix. */
  resolveRunId(idOrPrefix: string): Promise<string> {
    return resolveRunId(this.store, { resolveRunId: async (prefix) => (await this.projections()).resolveRunId(prefix) }, idOrPrefix);
  }

  /**
   * A position must be one the run has: a ValidationError naming the caller's field otherwise
   * (the one check of every read at a position).
   */
  async checkPosition(runId: string, at: number | undefined): Promise<void> {
    if (at !== undefined) assertPositionInRun(runId, at, await this.store.streamVersion(runStreamId(runId)), this.atField);
  }

  /** The status view with liveness (`stalled`, `worker`), or as of stream position `at` when given. */
  async status(runId: string, at?: number): Promise<RunStatus> {
    await this.checkPosition(runId, at);
    const p = await this.projections();
    if (at === undefined && !this.fromLog) return oneWithLiveness(this.store, found(runId, await p.status(runId)));
    const status = found(runId, p.statusAt ? await p.statusAt(runId, at) : await statusAt(this.store, runId, at, { forks: false }));
    return at === undefined ? oneWithLiveness(this.store, status) : status;
  }

  /** The status folded from the run's own events alone (no projection catch-up), with liveness. */
  async freshStatus(runId: string): Promise<RunStatus> {
    return oneWithLiveness(this.store, found(runId, await statusAt(this.store, runId, undefined, { forks: false })));
  }

  /** The trace tree, child runs nested, as of stream position `at` when given. */
  async trace(runId: string, at?: number): Promise<TraceView> {
    await this.checkPosition(runId, at);
    const p = await this.projections();
    const children = { children: true };
    if (at === undefined && !this.fromLog) return found(runId, await p.trace(runId, children));
    return found(runId, p.traceAt ? await p.traceAt(runId, at, children) : await traceAt(this.store, runId, at, children));
  }

  /** What the run has cost so far (as of `at`), priced from its events. */
  cost(runId: string, prices: PriceTable, at?: number): Promise<RunCost> {
    return runCost(this.store, runId, prices, at);
  }

  /** The workflow recorded in a run's RunStarted: name, kind, version and drawable definition. */
  async definition(runId: string): Promise<EventData<'RunStarted'>['workflow'] & { runId: string }> {
    for await (const e of this.store.readStream(runStreamId(runId), { from: 0, limit: 1 })) {
      if (e.type === 'RunStarted') return { runId, ...(e.data as EventData<'RunStarted'>).workflow };
    }
    throw new NotFoundError('run', runId);
  }

  /** One page of a run's events from stream position `from` (inclusive), and where the next starts. */
  async eventsPage(runId: string, from: number, limit: number): Promise<{ events: RecordedEvent[]; next: number | undefined }> {
    const last = await this.store.streamVersion(runStreamId(runId));
    if (last === undefined) throw new NotFoundError('run', runId);
    const events: RecordedEvent[] = [];
    for await (const e of this.store.readStream(runStreamId(runId), { from, limit })) events.push(e);
    const tail = events[events.length - 1];
    return { events, next: tail && tail.streamPosition < last ? tail.streamPosition + 1 : undefined };
  }

  /** One page of every stream's events from global position `from`, and where the next starts. */
  async allEventsPage(from: string, limit: number, filter: EventFilter): Promise<{ events: RecordedEvent[]; next: string | undefined }> {
    const events: RecordedEvent[] = [];
    for await (const e of this.store.readAll({ from, limit, filter })) events.push(e);
    const tail = events[events.length - 1];
    return { events, next: events.length === limit && tail ? tail.globalPosition : undefined };
  }

  /** The run's last event, if it has any. */
  async lastEvent(runId: string): Promise<RecordedEvent | undefined> {
    for await (const e of this.store.readStream(runStreamId(runId), { direction: 'backwards', limit: 1 })) return e;
    return undefined;
  }

  /** True when the run's terminal event comes after global position `from` (a stream from there still ends by itself). */
  async endsAfter(runId: string, from: string): Promise<boolean> {
    const streamId = runStreamId(runId);
    for await (const e of this.store.readAll({ from, filter: { streamPrefix: streamId, types: [...TERMINAL_EVENT_TYPES] } })) {
      if (e.streamId === streamId) return true;
    }
    return false;
  }

  /** Whether the store can read from global position `from`: its ValidationError when not (garbage, negative). */
  async checkGlobalPosition(from: string): Promise<void> {
    for await (const _ of this.store.readAll({ from, limit: 1 })) break;
  }

  /** One page of the runs view, each row with liveness (a `stalled` filter is answered from the lease table). */
  async runs(query: RunsQuery): Promise<RunsPage> {
    const p = await this.projections();
    let nextCursor: string | undefined;
    const rows = await runsWithLiveness(this.store, query.status, async (status) => {
      const { status: _, ...rest } = query;
      const page = await p.runs(status ? { ...rest, status } : rest);
      nextCursor = page.nextCursor;
      return page.rows;
    });
    return { rows, nextCursor };
  }

  /** Runs-list rows with their cost (child runs included), priced from the views. */
  async priceRuns<R extends RunRow>(rows: readonly R[], prices: PriceTable): Promise<Array<CostedRunRow<R>>> {
    return (await this.projections()).priceRuns(rows, prices);
  }

  /** What these waiting runs wait for that a person decides, oldest first. */
  pendingDecisions(runIds: readonly string[]): Promise<PendingDecision[]> {
    return pendingDecisions(this.store, runIds);
  }

  /** `{ event, status }` for each event of a run, live, completing after its terminal event. */
  watchRun(runId: string): Observable<WatchUpdate> {
    return watchRun(this.store, runId);
  }
}

/**
 * A stream position must be one the run has: the one check (and message) of every read at a
 * position, naming the caller's field (`--at`, `query.at`).
 * @example
 * ```ts
 * assertPositionInRun(runId, 9999, 41, '--at'); // ValidationError: --at 9999 is past the end of run …: its last position is 41
 * ```
 */
export function assertPositionInRun(runId: string, at: number, lastPosition: number | undefined, field = 'at'): void {
  if (lastPosition !== undefined && at > lastPosition) {
    throw new ValidationError(`${field} ${at} is past the end of run ${runId}: its last position is ${lastPosition}`, { path: field });
  }
}

function found<T>(runId: string, value: T | undefined): T {
  if (value === undefined) throw new NotFoundError('run', runId);
  return value;
}
