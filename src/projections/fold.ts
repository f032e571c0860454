import { errorMessage } from '../errors.js';
import { eventDataSchemas } from '../events/catalogue.js';
import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
import { runIdOfStream } from '../events/streams.js';
import { EventRejectedError } from './errors.js';
import { evolve, initialRunState } from './runState.js';
import type { RunStatus } from './status.js';
import { applyTrace, initialTrace, type TraceState } from './trace.js';
import { applyUsage, initialUsage, type UsageState } from './usage.js';

/**
 * Every per-run projection state of one run: what the runner stores and `statusAt` folds.
 * `trace` and `usage` are absent when the runner keeps only the status and runs views.
 */
export interface RunViews {
  status: RunStatus;
  trace?: TraceState | undefined;
  usage?: UsageState | undefined;
}

/** Versions of the projections; a changed version (or set of views) rebuilds the views when opened. */
export const PROJECTION_VERSIONS: Readonly<Record<'status' | 'runs' | 'trace' | 'usage', number>> = { status: 8, runs: 4, trace: 4, usage: 1 };

/** The run stream of an event, or an {@link EventRejectedError} for any other stream. */
export function runIdOf(event: RecordedEvent): string {
  const runId = runIdOfStream(event.streamId);
  if (!runId) throw new EventRejectedError(`event ${event.type} is not in a run stream ('${event.streamId}')`);
  return runId;
}

/** The checks every per-run reducer shares; returns the event typed, or throws EventRejectedError. */
function admit(status: RunStatus | undefined, event: RecordedEvent): AigenEvent {
  if (!Object.prototype.hasOwnProperty.call(eventDataSchemas, event.type)) {
    throw new EventRejectedError(`unknown event type '${event.type}' at ${event.streamId}@${event.streamPosition}`);
  }
  const e = event as AigenEvent;
  if (e.type === 'RunStarted') {
    if (status) throw new EventRejectedError(`a second RunStarted for run '${status.runId}' (at ${e.streamId}@${e.streamPosition})`);
    const runId = runIdOf(e);
    if ((e.data as { runId?: unknown } | null)?.runId !== runId) {
      throw new EventRejectedError(`RunStarted at ${e.streamId}@${e.streamPosition} names another run`);
    }
    return e;
  }
  if (!status) throw new EventRejectedError(`${e.type} at ${e.streamId}@${e.streamPosition} comes before the run's RunStarted`);
  if (e.streamPosition <= status.lastPosition) {
    throw new EventRejectedError(
      `${e.type} at ${e.streamId}@${e.streamPosition} is at or before the last folded position ${status.lastPosition} (applied twice?)`,
    );
  }
  return e;
}

/** A reducer threw: only possible with a payload the catalogue refuses (a store with a lenient codec). */
function malformed(e: AigenEvent, err: unknown): EventRejectedError {
  if (err instanceof EventRejectedError) return err;
  return new EventRejectedError(`${e.type} at ${e.streamId}@${e.streamPosition} is malformed: ${errorMessage(err)}`, { cause: err });
}

/**
 * Apply one event of a run's stream to its views: a pure reducer that either returns the new
 * views or throws {@link EventRejectedError} (the views are then unchanged). It rejects an unknown
 * type, an event before the run's RunStarted, a second RunStarted, and an event at or before the
 * last folded position (an event applied twice); a gap (an unreadable event skipped) is accepted.
 * With `detail: false` only the status is folded (no trace, no usage).
 * @example
 * ```ts
 * let views: RunViews | undefined;
 * for await (const e of store.readStream(`run-${runId}`)) views = applyRunViews(views, e);
 * ```
 */
export function applyRunViews(views: RunViews | undefined, event: RecordedEvent, detail = true): RunViews {
  const e = admit(views?.status, event);
  try {
    if (e.type === 'RunStarted') {
      const status = evolve(initialRunState(), e);
      return detail ? { status, trace: initialTrace(e), usage: initialUsage() } : { status };
    }
    const v = views!;
    if (!detail || !v.trace || !v.usage) return { status: evolve(v.status, e) };
    return { status: evolve(v.status, e), trace: applyTrace(v.trace, e), usage: applyUsage(v.usage, e) };
  } catch (err) {
    throw malformed(e, err);
  }
}

/**
 * {@link applyRunViews} for the status view alone (what `watchRun` folds): the same checks.
 * @example
 * ```ts
 * const status = events.reduce<RunStatus | undefined>(applyRunStatus, undefined);
 * ```
 */
export function applyRunStatus(status: RunStatus | undefined, event: RecordedEvent): RunStatus {
  const e = admit(status, event);
  try {
    return evolve(status ?? initialRunState(), e);
  } catch (err) {
    throw malformed(e, err);
  }
}

/** Outcome of {@link foldRunViews}: the views, and the events it refused. */
export interface FoldResult {
  views: RunViews | undefined;
  rejected: Array<{ event: RecordedEvent; error: EventRejectedError }>;
}

/**
 * Fold a run's events the way the projection runner does: a rejected event is skipped.
 * @example
 * ```ts
 * const { views } = foldRunViews(events); views?.status.status; // 'completed'
 * ```
 */
export function foldRunViews(events: Iterable<RecordedEvent>, detail = true): FoldResult {
  let views: RunViews | undefined;
  const rejected: FoldResult['rejected'] = [];
  for (const event of events) {
    try {
      views = applyRunViews(views, event, detail);
    } catch (error) {
      if (!(error instanceof EventRejectedError)) throw error;
      rejected.push({ event, error });
    }
  }
  return { views, rejected };
}
