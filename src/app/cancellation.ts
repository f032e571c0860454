import { hostname } from 'node:os';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import { foldRunStatus, type RunLifecycle } from '../projections/status.js';
import { ConcurrencyError } from '../store/errors.js';
import type { EventStore } from '../store/eventStore.js';
import { NotFoundError } from '../errors.js';

/** What `cancelRun` did to one run. */
export interface CancelOutcome {
  runId: string;
  /** The run's status before the request. */
  previousStatus: RunLifecycle;
  /** `cancelled`: RunCancelled was recorded now; `ended`: the run had already ended. */
  outcome: 'cancelled' | 'ended';
  /** Child runs (parallel branches) cancelled with it. */
  children: CancelOutcome[];
}

const ATTEMPTS = 50;

/**
 * Cancel a run from any process by fencing its stream: `RunCancelled` is appended with the
 * expected version of the stream's last event. A run has one writer, which appends with
 * `expectedVersion`; once RunCancelled is in, that writer's next append fails with
 * `WRONG_EXPECTED_VERSION`, so no step of the run acts on anything after the cancellation and
 * the stream ends with RunCancelled. An `aigen run` process that owns the run watches its stream
 * and aborts its in-flight model calls as soon as it sees the event; an engine embedded elsewhere
 * stops at its next append. A run whose process died is simply marked cancelled. When the owner
 * appends between our read and our write, we read again and retry.
 */
export async function cancelRun(store: EventStore, runId: string, reason: string): Promise<CancelOutcome> {
  for (let attempt = 1; ; attempt++) {
    const events: RecordedEvent[] = [];
    for await (const e of store.readStream(runStreamId(runId))) events.push(e);
    const last = events[events.length - 1];
    if (!last) throw new NotFoundError('run', runId);
    const status = foldRunStatus(events);
    if (status.endedAt !== undefined) return { runId, previousStatus: status.status, outcome: 'ended', children: [] };
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
              actorId: 'cli',
              causationId: last.eventId,
              tags: { requestedBy: 'aigen cancel', pid: String(process.pid), host: hostname() },
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
      const childId = e.streamId.slice('run-'.length);
      if (childId.slice(runId.length + 1).includes('.')) continue; // grandchildren are cancelled through their parent
      children.push(await cancelRun(store, childId, `parent run cancelled: ${reason}`));
    }
    return { runId, previousStatus: status.status, outcome: 'cancelled', children };
  }
}
