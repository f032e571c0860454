import { NotFoundError, ValidationError } from '../errors.js';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import type { Projections } from '../projections/api.js';
import type { EventStore } from '../store/eventStore.js';

/**
 * Every event of a run's stream, in order (`NotFoundError` when the run does not exist).
 * @example
 * ```ts
 * const events = await readRun(store, runId); events[0]?.type; // 'RunStarted'
 * ```
 */
export async function readRun(store: EventStore, runId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(runStreamId(runId))) events.push(e);
  if (events.length === 0) throw new NotFoundError('run', runId);
  return events;
}

/**
 * The full run id for an exact id or a unique prefix. An exact id needs no projections. A prefix
 * means the run, not also its child runs (`1a2b` finds `1a2b…`, not `1a2b….technical`); `1a2b.tech`
 * is a prefix of the parent, then of the branch. `NotFoundError` when nothing matches,
 * `ValidationError` (path `runId`) when several runs do.
 * @example
 * ```ts
 * await resolveRunId(store, projections, '1a2b3c4d'); // '1a2b3c4d-…'
 * ```
 */
export async function resolveRunId(store: EventStore, projections: Pick<Projections, 'resolveRunId'>, idOrPrefix: string): Promise<string> {
  if (idOrPrefix.trim() === '') throw new ValidationError('a run id (or a prefix of one) is required', { path: 'runId' });
  if ((await store.streamVersion(runStreamId(idOrPrefix))) !== undefined) return idOrPrefix;
  try {
    return await projections.resolveRunId(idOrPrefix);
  } catch (err) {
    const dot = idOrPrefix.indexOf('.');
    if (!(err instanceof NotFoundError) || dot <= 0) throw err;
    const parent = await resolveRunId(store, projections, idOrPrefix.slice(0, dot));
    return projections.resolveRunId(`${parent}${idOrPrefix.slice(dot)}`).catch((e: unknown) => {
      throw e instanceof NotFoundError ? new NotFoundError('run', idOrPrefix) : e;
    });
  }
}
