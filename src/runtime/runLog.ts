import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import { NotFoundError } from '../errors.js';
import type { EventStore } from '../store/eventStore.js';

/** The recorded events of a run, in order; NOT_FOUND when it has none (unless `allowMissing`). */
export async function readRunLog(store: EventStore, runId: string, options: { allowMissing?: boolean } = {}): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(runStreamId(runId))) events.push(e);
  if (events.length === 0 && !options.allowMissing) throw new NotFoundError('run', runId);
  return events;
}
