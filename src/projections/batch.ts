import { eventIdentity, type RecordedEvent } from '../events/envelope.js';
import type { CorruptEventError } from '../events/errors.js';
import { runIdOfStream } from '../events/streams.js';
import { errorMessage } from '../errors.js';
import { EventRejectedError } from './errors.js';
import { applyRunViews, type RunViews } from './fold.js';
import { runRecord } from './runsList.js';
import type { RunStatus } from './status.js';
import type { TraceState } from './trace.js';
import { usageRows, type UsageState } from './usage.js';
import type { ProjectionError, RunWrite, StoredRunViews } from './viewStore.js';

/** What one batch changes: the new state of each touched run, its rows to write, and the refused events. */
export interface BatchResult {
  states: Map<string, RunViews>;
  writes: RunWrite[];
  errors: ProjectionError[];
}

/** Stored JSON views back to a run's state. */
export function parseStoredViews(stored: StoredRunViews): RunViews {
  return {
    status: JSON.parse(stored.status) as RunStatus,
    trace: (JSON.parse(stored.trace) as TraceState | null) ?? undefined,
    usage: (JSON.parse(stored.usage) as UsageState | null) ?? undefined,
  };
}

/** The run ids of a batch's events (run streams only). */
export function runIdsOf(events: readonly RecordedEvent[]): string[] {
  return [...new Set(events.map((e) => runIdOfStream(e.streamId)).filter((id): id is string => id !== undefined))];
}

/**
 * Fold a batch of events (global order) into the states of their runs, starting from `before`:
 * pure; a refused event becomes a projection error and changes nothing. Events of other streams
 * than run streams are skipped (no view reads them).
 * @example
 * ```ts
 * const { writes, errors } = applyBatch(events, new Map(), true);
 * ```
 */
export function applyBatch(events: readonly RecordedEvent[], before: ReadonlyMap<string, RunViews>, detail: boolean): BatchResult {
  const states = new Map<string, RunViews>();
  const errors: ProjectionError[] = [];
  for (const e of events) {
    const runId = runIdOfStream(e.streamId);
    if (runId === undefined) continue;
    try {
      states.set(runId, applyRunViews(states.get(runId) ?? before.get(runId), e, detail));
    } catch (err) {
      if (!(err instanceof EventRejectedError)) throw err;
      errors.push(eventError(e, err));
    }
  }
  const writes: RunWrite[] = [];
  for (const [runId, v] of states) {
    const usageChanged = v.usage !== undefined && v.usage !== before.get(runId)?.usage;
    writes.push({
      runId,
      views: { status: JSON.stringify(v.status), trace: JSON.stringify(v.trace ?? null), usage: JSON.stringify(v.usage ?? null) },
      row: runRecord(v.status),
      ...(usageChanged ? { usage: usageRows(runId, v.status.rootRunId, v.usage!) } : {}),
    });
  }
  return { states, writes, errors };
}

/** The projection error of an event a reducer refused. */
export function eventError(e: RecordedEvent, err: EventRejectedError): ProjectionError {
  return {
    ...eventIdentity(e),
    code: err.code,
    message: err.message,
    recordedAt: new Date().toISOString(),
  };
}

/** The projection error of an event the store could not read. */
export function corruptError(err: CorruptEventError): ProjectionError {
  const { streamId, streamPosition, globalPosition } = err.location;
  return { globalPosition, streamId, streamPosition, eventId: undefined, type: undefined, code: err.code, message: errorMessage(err), recordedAt: new Date().toISOString() };
}
