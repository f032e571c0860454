import { Observable } from 'rxjs';
import { NotFoundError, ValidationError } from '../errors.js';
import type { EventStore } from '../store/eventStore.js';
import type { PriceTable, Projections, RunRow, RunsPage, RunsQuery, TraceView, UsageView } from './api.js';
import { nestChildren, statusAt, traceAt, withForks } from './at.js';
import { priceRunRows, type CostedRunRow } from './cost.js';
import { usageFromStore } from './fromStore.js';
import { ProjectionRunner, type RunnerOptions } from './runner.js';
import { normalizeRunsQuery, toPage } from './runsList.js';
import type { RunStatus } from './status.js';
import type { TraceState } from './trace.js';
import { traceView } from './traceTree.js';
import { buildUsageView, DEFAULT_PRICES } from './usage.js';
import type { ProjectionError, ViewStore } from './viewStore.js';

/** Options of {@link openProjections}. */
export interface ProjectionsOptions extends RunnerOptions {
  /** Price table of `usage()` when the call gives none (default {@link DEFAULT_PRICES}). */
  prices?: PriceTable;
}

/** Options of {@link ProjectionsHandle.trace}. */
export interface TraceOptions {
  /** Nest each child run's trace under its `child` span (default false). */
  children?: boolean;
}

/** The {@link Projections} of one store, plus diagnostics and views at a position. */
export interface ProjectionsHandle extends Projections {
  readonly views: ViewStore;
  readonly runner: ProjectionRunner;
  trace(runId: string, options?: TraceOptions): Promise<TraceView | undefined>;
  /** Events the runner skipped (unreadable or rejected), with their positions. */
  errors(): Promise<ProjectionError[]>;
  /** Status as of stream position P, folded from the store (forks from the views). */
  statusAt(runId: string, position?: number): Promise<RunStatus | undefined>;
  traceAt(runId: string, position?: number, options?: TraceOptions): Promise<TraceView | undefined>;
  /** The database's plan of a runs query (diagnostics: which index it uses). */
  explainRuns(query?: RunsQuery): Promise<string>;
}

/**
 * Implements {@link ProjectionsHandle} over a runner and its view store (use {@link openProjections}).
 * @example
 * ```ts
 * const projections = new StoreProjections(store, new MemoryViewStore(new MemoryViewData()));
 * await projections.runner.prepare(); await projections.catchUp();
 * ```
 */
export class StoreProjections implements ProjectionsHandle {
  readonly runner: ProjectionRunner;
  private readonly forksOf: (runId: string) => Promise<Array<{ runId: string; position: number }>>;

  constructor(
    private readonly store: EventStore,
    readonly views: ViewStore,
    private readonly options: ProjectionsOptions = {},
  ) {
    this.runner = new ProjectionRunner(store, views, options);
    this.forksOf = (runId) => views.forksOf(runId);
  }

  catchUp(): Promise<void> {
    return this.runner.catchUp();
  }

  start(): void {
    this.runner.start();
  }

  stop(): Promise<void> {
    return this.runner.stop();
  }

  rebuild(): Promise<void> {
    return this.runner.rebuild();
  }

  async runs(query?: RunsQuery): Promise<RunsPage> {
    const q = normalizeRunsQuery(query);
    return toPage(await this.views.queryRuns(q), q.limit);
  }

  async priceRuns<R extends RunRow>(rows: readonly R[], prices: PriceTable): Promise<Array<CostedRunRow<R>>> {
    const roots = [...new Set(rows.map((r) => r.rootRunId ?? r.runId))];
    return priceRunRows(rows, await this.views.runTrees(roots), prices);
  }

  async status(runId: string): Promise<RunStatus | undefined> {
    const json = await this.views.status(runId);
    return json === undefined ? undefined : withForks(reviveStatus(JSON.parse(json)), this.forksOf);
  }

  async trace(runId: string, options: TraceOptions = {}): Promise<TraceView | undefined> {
    const json = await this.views.trace(runId);
    if (json === undefined) return undefined;
    const state = JSON.parse(json) as TraceState | null;
    // Kept without the trace view (detail: false): fold the run's events instead.
    if (state === null) return traceAt(this.store, runId, undefined, options);
    const view = traceView(state);
    return options.children ? nestChildren(view, (id) => this.trace(id, options)) : view;
  }

  async usage(options: { runId?: string; prices?: PriceTable } = {}): Promise<UsageView> {
    if (options.runId !== undefined && (await this.views.status(options.runId)) === undefined) {
      throw new NotFoundError('run', options.runId);
    }
    const rows = this.runner.detail ? await this.views.usageRows(options.runId) : await usageFromStore(this.store, options.runId);
    return buildUsageView(rows, options.prices ?? this.options.prices ?? DEFAULT_PRICES);
  }

  /**
   * The run a unique id prefix names. An exact id wins; so does a run whose child runs
   * (`<runId>.<branch>`) are the only other matches. Otherwise NotFoundError or ValidationError.
   */
  async resolveRunId(prefix: string): Promise<string> {
    if (typeof prefix !== 'string' || prefix.trim() === '') throw new ValidationError('a run id (or a prefix of one) is required', { path: 'runId' });
    const ids = await this.views.matchRunIds(prefix, 51);
    if (ids[0] === prefix) return prefix;
    if (ids.length === 0) throw new NotFoundError('run', prefix);
    const roots = ids.filter((id) => !ids.some((other) => other !== id && id.startsWith(`${other}.`)));
    if (roots.length === 1 && ids.length < 51) return roots[0]!;
    const shown = roots.slice(0, 10).join(', ');
    throw new ValidationError(`run id prefix '${prefix}' is ambiguous; it matches ${shown}${roots.length > 10 || ids.length > 50 ? ', …' : ''}`, { path: 'runId' });
  }

  watchRuns(): Observable<RunRow> {
    return new Observable<RunRow>((subscriber) => {
      const sub = this.runner.rows$.subscribe(subscriber);
      this.runner.start();
      return () => sub.unsubscribe();
    });
  }

  errors(): Promise<ProjectionError[]> {
    return this.views.errors();
  }

  statusAt(runId: string, position?: number): Promise<RunStatus | undefined> {
    return statusAt(this.store, runId, position, { forks: this.forksOf });
  }

  traceAt(runId: string, position?: number, options: TraceOptions = {}): Promise<TraceView | undefined> {
    return traceAt(this.store, runId, position, options);
  }

  explainRuns(query?: RunsQuery): Promise<string> {
    return this.views.explainRuns(normalizeRunsQuery(query));
  }

  async close(): Promise<void> {
    await this.runner.stop();
    this.runner.rows$.complete();
    this.runner.events$.complete();
    await this.views.close();
  }
}

const OPTIONAL_STATUS_KEYS = ['parentRunId', 'forkOf', 'endedAt', 'durationMs', 'branch', 'output', 'error'] as const;
const OPTIONAL_STEP_KEYS = ['actorId', 'endedAt', 'durationMs', 'outputPreview', 'error'] as const;

/**
 * A status read back from JSON (which drops `undefined`), with its optional keys present again,
 * so it has the same shape as a freshly folded one.
 * @example
 * ```ts
 * const status = reviveStatus(JSON.parse(text)); 'endedAt' in status; // true
 * ```
 */
export function reviveStatus(json: unknown): RunStatus {
  const s = json as RunStatus;
  for (const k of OPTIONAL_STATUS_KEYS) if (!(k in s)) (s as unknown as Record<string, unknown>)[k] = undefined;
  for (const step of s.steps) for (const k of OPTIONAL_STEP_KEYS) if (!(k in step)) (step as unknown as Record<string, unknown>)[k] = undefined;
  return s;
}
