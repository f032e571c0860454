import { oneWithLiveness } from '../app/liveness.js';
import { resolveRunId } from '../app/runs.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { EventData } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import type { TraceView } from '../projections/api.js';
import { statusAt, traceAt } from '../projections/at.js';
import type { RunStatus } from '../projections/status.js';
import type { EventStore } from '../store/eventStore.js';
import type { ServerProjections } from './deps.js';
import { HttpError } from './errors.js';

/**
 * The full run id for `id`: the id itself when its stream exists, else the run whose id starts
 * with it (404 when none, 400 when several).
 */
export async function resolveRun(store: EventStore, projections: ServerProjections, id: string): Promise<string> {
  try {
    return await resolveRunId(store, projections, id);
  } catch (err) {
    if (err instanceof ValidationError) throw new HttpError(400, 'AMBIGUOUS_RUN_ID', err.message, 'params.id');
    if (err instanceof NotFoundError) throw new NotFoundError('run', id);
    throw err;
  }
}

/** A position past the run's last event is a 400 naming `query.at`. */
async function checkAt(store: EventStore, runId: string, at: number | undefined): Promise<void> {
  if (at === undefined) return;
  const last = await store.streamVersion(runStreamId(runId));
  if (last !== undefined && at > last) {
    throw new HttpError(400, 'VALIDATION_FAILED', `query.at: run ${runId} has stream positions 0 to ${last}, got ${at}`, 'query.at');
  }
}

/** The status of a run folded from its events (as of stream position `at` when given). */
export async function runStatus(store: EventStore, projections: ServerProjections, runId: string, at?: number): Promise<RunStatus> {
  await checkAt(store, runId, at);
  const status = projections.statusAt ? await projections.statusAt(runId, at) : await statusAt(store, runId, at, { forks: false });
  if (!status) throw new NotFoundError('run', runId);
  return at === undefined ? oneWithLiveness(store, status) : status;
}

/** The trace of a run with its child runs nested (as of stream position `at` when given). */
export async function runTrace(store: EventStore, projections: ServerProjections, runId: string, at?: number): Promise<TraceView> {
  await checkAt(store, runId, at);
  const trace = projections.traceAt
    ? await projections.traceAt(runId, at, { children: true })
    : await traceAt(store, runId, at, { children: true });
  if (!trace) throw new NotFoundError('run', runId);
  return trace;
}

/** The workflow recorded in a run's RunStarted: name, kind, version and drawable definition. */
export async function runDefinition(store: EventStore, runId: string): Promise<EventData<'RunStarted'>['workflow'] & { runId: string }> {
  for await (const e of store.readStream(runStreamId(runId), { from: 0, limit: 1 })) {
    if (e.type === 'RunStarted') return { runId, ...(e.data as EventData<'RunStarted'>).workflow };
  }
  throw new NotFoundError('run', runId);
}

/** One page of a run's events from stream position `from` (inclusive). */
export async function runEventsPage(
  store: EventStore,
  runId: string,
  from: number,
  limit: number,
): Promise<{ events: RecordedEvent[]; next: number | undefined }> {
  const last = await store.streamVersion(runStreamId(runId));
  if (last === undefined) throw new NotFoundError('run', runId);
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(runStreamId(runId), { from, limit })) events.push(e);
  const tail = events[events.length - 1];
  return { events, next: tail && tail.streamPosition < last ? tail.streamPosition + 1 : undefined };
}
