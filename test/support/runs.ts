import type { RecordedEvent } from '../../src/events/envelope.js';
import type { EventStore } from '../../src/store/eventStore.js';

/** Every event of a run's stream, in order. */
export async function runEvents(store: EventStore, runId: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readStream(`run-${runId}`)) out.push(e);
  return out;
}

/** The data of every event of one type. */
export function dataOf<T = Record<string, unknown>>(events: readonly RecordedEvent[], type: string): T[] {
  return events.filter((e) => e.type === type).map((e) => e.data as T);
}

/** Event types in order. */
export function typesOf(events: readonly RecordedEvent[]): string[] {
  return events.map((e) => e.type);
}
