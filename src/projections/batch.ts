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

/** Stored JSON views back to a run's state. */
export function parseStoredViews(stored: StoredRunViews): RunViews {
  return {
    status: JSON.parse(stored.status) as RunStatus,
    trace: (JSON.parse(stored.trace) as TraceState | null) ?? undefined,
    usage: (JSON.parse(stored.usage) as UsageState | null) ?? undefined,
  };
}

/**
 * One batch of the runner, folded page by page as the log is read (events in global order): each
 * run starts from its state before the batch ({@link missing} names the runs whose state must be
 * given to {@link begin}), and each changed run is written once, at the end ({@link writes}). A
 * refused event becomes a projection error and changes nothing. Events of other streams than run
 * streams are skipped (no view reads them).
 * @example
 * ```ts
 * const batch = new BatchFold(true);
 * for (const id of batch.missing(page)) batch.begin(id, undefined);
 * batch.apply(page);
 * const rows = batch.writes();
 * ```
 */
export class BatchFold {
  /** The new state of each run the batch changed. */
  readonly states = new Map<string, RunViews>();
  readonly errors: ProjectionError[] = [];
  private readonly before = new Map<string, RunViews | undefined>();

  constructor(private readonly detail: boolean) {}

  /** The runs of these events whose state before the batch is not known yet. */
  missing(events: readonly RecordedEvent[]): string[] {
    const ids = new Set<string>();
    for (const e of events) {
      const runId = runIdOfStream(e.streamId);
      if (runId !== undefined && !this.before.has(runId)) ids.add(runId);
    }
    return [...ids];
  }

  /** The state of a run before the batch (undefined: the run has no views yet). */
  begin(runId: string, views: RunViews | undefined): void {
    this.before.set(runId, views);
  }

  /** Fold events into their runs' states (each run's state before the batch given first). */
  apply(events: readonly RecordedEvent[]): void {
    for (const e of events) {
      const runId = runIdOfStream(e.streamId);
      if (runId === undefined) continue;
      try {
        this.states.set(runId, applyRunViews(this.states.get(runId) ?? this.before.get(runId), e, this.detail));
      } catch (err) {
        if (!(err instanceof EventRejectedError)) throw err;
        this.errors.push(eventError(e, err));
      }
    }
  }

  /** The rows to write for every run the batch changed. */
  writes(): RunWrite[] {
    const writes: RunWrite[] = [];
    for (const [runId, v] of this.states) {
      const usageChanged = v.usage !== undefined && v.usage !== this.before.get(runId)?.usage;
      writes.push({
        runId,
        views: { status: JSON.stringify(v.status), trace: JSON.stringify(v.trace ?? null), usage: JSON.stringify(v.usage ?? null) },
        row: runRecord(v.status),
        ...(usageChanged ? { usage: usageRows(runId, v.status.rootRunId, v.usage!) } : {}),
      });
    }
    return writes;
  }
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
