import { hostname } from 'node:os';
import { NotFoundError } from '../errors.js';
import { runStreamId } from '../events/streams.js';
import { foldRunStatus, type RunLifecycle } from '../projections/status.js';
import type { WorkflowEngine } from '../runtime/engine.js';
import { ConcurrencyError } from '../store/errors.js';
import type { EventStore } from '../store/eventStore.js';
import { readRun } from './runs.js';

/** What {@link cancelRun} did to one run. */
export interface CancelOutcome {
  runId: string;
  /** The run's status before the request. */
  previousStatus: RunLifecycle;
  /** `cancelled`: RunCancelled was recorded now; `ended`: the run had already ended. */
  outcome: 'cancelled' | 'ended';
  /** Child runs (parallel branches) cancelled with it by fencing (in-process runs cancel their own). */
  children: CancelOutcome[];
}

/** Options of {@link cancelRun}. */
export interface CancelOptions {
  /** An engine of this process: a run it executes is cancelled in it (aborting its model calls). */
  engine?: WorkflowEngine;
  /** Who asks, recorded in the RunCancelled event's tags (e.g. `aigen cancel`, `http`). */
  requestedBy?: string;
}

const ATTEMPTS = 50;

/**
 * Cancel a run from any process. A run this process executes (in `options.engine`) is cancelled
 * there. Any other run is fenced: `RunCancelled` is appended at the expected version of the
 * stream's last event. A run has one writer, which appends with `expectedVersion`; the engine
 * that runs it sees the RunCancelled it did not write and stops at once (and in any case its next
 * append fails), so the run ends `cancelled` and nothing acts after the cancellation. A run whose
 * process died is simply marked cancelled. When the writer appends between our read and our
 * write, we read again and retry. A run that already ended is left as it is (`outcome: 'ended'`).
 * @example
 * ```ts
 * const { outcome } = await cancelRun(store, runId, 'no longer needed');
 * ```
 */
export async function cancelRun(store: EventStore, runId: string, reason: string, options: CancelOptions = {}): Promise<CancelOutcome> {
  for (let attempt = 1; ; attempt++) {
    const events = await readRun(store, runId);
    const last = events[events.length - 1]!;
    const status = foldRunStatus(events);
    if (status.endedAt !== undefined) return { runId, previousStatus: status.status, outcome: 'ended', children: [] };
    if (options.engine) {
      try {
        await options.engine.cancel(runId, reason);
        return { runId, previousStatus: status.status, outcome: 'cancelled', children: [] };
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
    try {
      await store.append(
        runStreamId(runId),
        [
          {
            type: 'RunCancelled',
            data: { reason, usage: status.usage, durationMs: Math.max(0, Date.now() - Date.parse(status.startedAt)) },
            metadata: {
              runId,
              rootRunId: last.metadata.rootRunId ?? runId,
              traceId: status.traceId,
              causationId: last.eventId,
              tags: { requestedBy: options.requestedBy ?? 'aigen', pid: String(process.pid), host: hostname() },
            },
          },
        ],
        { expectedVersion: last.streamPosition },
      );
    } catch (err) {
      if (err instanceof ConcurrencyError && attempt < ATTEMPTS) {
        await new Promise((r) => setTimeout(r, Math.min(5 * attempt, 50)));
        continue;
      }
      throw err;
    }
    // Child runs (parallel branches) are streams `run-<runId>.<branch>`: fence the ones still running.
    const children: CancelOutcome[] = [];
    for await (const e of store.readAll({ filter: { streamPrefix: `${runStreamId(runId)}.`, types: ['RunStarted'] } })) {
      const childId = e.streamId.slice(runStreamId('').length);
      if (childId.slice(runId.length + 1).includes('.')) continue; // grandchildren are cancelled through their parent
      children.push(await cancelRun(store, childId, `parent run cancelled: ${reason}`, { ...options, engine: undefined }));
    }
    return { runId, previousStatus: status.status, outcome: 'cancelled', children };
  }
}
