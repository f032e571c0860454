import type { EventData } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import { CorruptEventError } from '../events/errors.js';
import { runStreamId } from '../events/streams.js';
import { ValidationError } from '../errors.js';
import type { EventStore } from '../store/eventStore.js';
import type { TraceSpan, TraceView } from './api.js';
import { foldRunViews, type RunViews } from './fold.js';
import type { RunStatus } from './status.js';
import { traceView } from './traceTree.js';

/** Finds the runs forked from a run (for the `forks` list of a status). */
export type ForkLookup = (runId: string) => Promise<Array<{ runId: string; position: number }>>;

/**
 * A run's events up to stream position `to` (inclusive; all when undefined), skipping unreadable ones.
 * @example
 * ```ts
 * const firstTen = await readRunEvents(store, runId, 9);
 * ```
 */
export async function readRunEvents(store: EventStore, runId: string, to?: number): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let from = 0;
  for (;;) {
    try {
      for await (const e of store.readStream(runStreamId(runId), to === undefined ? { from } : { from, to })) {
        out.push(e);
        from = e.streamPosition + 1;
      }
      return out;
    } catch (err) {
      if (!(err instanceof CorruptEventError)) throw err;
      from = err.location.streamPosition + 1;
      if (to !== undefined && from > to) return out;
    }
  }
}

/**
 * Every run forked from `runId`, found by scanning the RunStarted events of the store.
 * @example
 * ```ts
 * await scanForks(store, runId); // [{ runId: 'f1…', position: 12 }]
 * ```
 */
export async function scanForks(store: EventStore, runId: string): Promise<Array<{ runId: string; position: number }>> {
  const forks: Array<{ runId: string; position: number }> = [];
  let from = 'start';
  for (;;) {
    try {
      for await (const e of store.readAll({ from, filter: { types: ['RunStarted'] } })) {
        from = e.globalPosition;
        const d = e.data as EventData<'RunStarted'>;
        if (d.forkOf?.runId === runId) forks.push({ runId: d.runId, position: d.forkOf.position });
      }
      return forks.sort((a, b) => a.position - b.position || (a.runId < b.runId ? -1 : 1));
    } catch (err) {
      if (!(err instanceof CorruptEventError)) throw err;
      from = err.location.globalPosition;
    }
  }
}

function checkPosition(position: number | undefined): void {
  if (position !== undefined && (!Number.isInteger(position) || position < 0)) {
    throw new ValidationError(`a stream position is a whole number >= 0, got ${String(position)}`, { path: 'position' });
  }
}

/**
 * The per-run views of a run folded up to stream position `position` (inclusive), without the projection tables.
 * @example
 * ```ts
 * (await runViewsAt(store, runId, 4))?.usage;
 * ```
 */
export async function runViewsAt(store: EventStore, runId: string, position?: number): Promise<RunViews | undefined> {
  checkPosition(position);
  return foldRunViews(await readRunEvents(store, runId, position)).views;
}

/**
 * Attach forks (at or before the last folded position) to a status.
 * @example
 * ```ts
 * const status = await withForks(folded, (id) => views.forksOf(id));
 * ```
 */
export async function withForks(status: RunStatus, lookup: ForkLookup | undefined): Promise<RunStatus> {
  const forks = lookup ? (await lookup(status.runId)).filter((f) => f.position <= status.lastPosition) : [];
  return { ...status, forks };
}

/**
 * The status of a run as of stream position `position` (inclusive; the end when omitted), folded
 * from its events alone: no projection tables. `undefined` when the run does not exist. Forks are
 * found by scanning RunStarted events unless `options.forks` says otherwise (`false`: none).
 * @example
 * ```ts
 * const before = await statusAt(store, runId, 5); before?.steps.length;
 * ```
 */
export async function statusAt(
  store: EventStore,
  runId: string,
  position?: number,
  options: { forks?: ForkLookup | false } = {},
): Promise<RunStatus | undefined> {
  const views = await runViewsAt(store, runId, position);
  if (!views) return undefined;
  return withForks(views.status, options.forks === false ? undefined : (options.forks ?? ((id) => scanForks(store, id))));
}

/** Loads the trace of a child run for {@link nestChildren}. */
export type ChildTraceLoader = (childRunId: string, span: TraceSpan) => Promise<TraceView | undefined>;

function prefixed(span: TraceSpan, prefix: string, parentId: string): TraceSpan {
  const id = `${prefix}/${span.id}`;
  return { ...span, id, parentId, children: span.children.map((c) => prefixed(c, prefix, id)) };
}

/**
 * Put each child run's span tree under its `child` span (ids prefixed with the child's runId).
 * @example
 * ```ts
 * await nestChildren(view, (id) => projections.trace(id));
 * ```
 */
export async function nestChildren(view: TraceView, load: ChildTraceLoader): Promise<TraceView> {
  const visit = async (span: TraceSpan): Promise<void> => {
    for (const c of span.children) await visit(c);
    const childRunId = span.kind === 'child' ? span.attributes.childRunId : undefined;
    if (typeof childRunId !== 'string') return;
    const child = await load(childRunId, span);
    if (child) span.children.push(prefixed(child.root, childRunId, span.id));
  };
  await visit(view.root);
  return view;
}

/**
 * The trace of a run as of stream position `position` (inclusive; the end when omitted), folded
 * from its events alone. With `children`, each child run is nested: in full when it had finished
 * by `position`, else up to the time of the event at `position`.
 * @example
 * ```ts
 * console.log(renderTraceTree((await traceAt(store, runId, 12))!));
 * ```
 */
export async function traceAt(
  store: EventStore,
  runId: string,
  position?: number,
  options: { children?: boolean } = {},
): Promise<TraceView | undefined> {
  checkPosition(position);
  return traceUntil(store, runId, position, undefined, options.children === true);
}

async function traceUntil(store: EventStore, runId: string, position: number | undefined, until: string | undefined, children: boolean) {
  const events = await readRunEvents(store, runId, position);
  const kept = until === undefined ? events : events.filter((e) => e.metadata.recordedAt <= until);
  const views = foldRunViews(kept).views;
  if (!views) return undefined;
  const view = traceView(views.trace!);
  if (!children) return view;
  const cutoff = until ?? (position === undefined ? undefined : kept[kept.length - 1]?.metadata.recordedAt);
  return nestChildren(view, (id, span): Promise<TraceView | undefined> =>
    traceUntil(store, id, undefined, span.status === 'running' ? cutoff : undefined, true),
  );
}
