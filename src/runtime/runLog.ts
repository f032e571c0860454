import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import { TERMINAL_EVENT_TYPES } from '../events/terminal.js';
import { NotFoundError } from '../errors.js';
import type { EventStore } from '../store/eventStore.js';

/** The recorded events of a run, in order; NOT_FOUND when it has none (unless `allowMissing`). */
export async function readRunLog(store: EventStore, runId: string, options: { allowMissing?: boolean } = {}): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(runStreamId(runId))) events.push(e);
  if (events.length === 0 && !options.allowMissing) throw new NotFoundError('run', runId);
  return events;
}

/** Root runs whose log has no terminal event, in the order they started. */
export async function unfinishedRootRuns(store: EventStore): Promise<string[]> {
  const open = new Map<string, boolean>();
  for await (const e of store.readAll({ filter: { streamPrefix: 'run-', types: ['RunStarted', ...TERMINAL_EVENT_TYPES] } })) {
    if (e.type === 'RunStarted') {
      const d = e.data as { runId: string; parentRunId?: string };
      if (!d.parentRunId) open.set(d.runId, true);
    } else open.delete(e.streamId.slice('run-'.length));
  }
  return [...open.keys()];
}
