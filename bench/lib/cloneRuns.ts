import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { createWorkflow } from '../../src/config/catalog.js';
import { aigenCodec } from '../../src/events/codec.js';
import type { RecordedEvent } from '../../src/events/envelope.js';
import { WorkflowEngine } from '../../src/runtime/engine.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import { prepareDatabase } from '../../src/store/sqlite/schema.js';

/** Runs cloned from one real offline run, written straight into a SQLite store's events table. */

/** How many runs are written at a time, their events interleaved as concurrent runs' are. */
export const INTERLEAVED = 200;

/** The events of one real offline run, to clone. */
export async function templateRun(): Promise<RecordedEvent[]> {
  const store = createMemoryStore();
  const engine = new WorkflowEngine({ store, retryDelayMs: 10 });
  const { runId } = await engine.execute(createWorkflow('content_generation'), undefined, 'Write about tides and the moon');
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(`run-${runId}`)) events.push(e);
  await store.close();
  return events;
}

/** Insert `total` events of cloned runs straight into the events table, `INTERLEAVED` runs at a time. */
export function fill(path: string, template: readonly RecordedEvent[], total: number): number {
  const from = template[0]!.metadata.runId!;
  // The codec's own serialisation of each template event; a clone only swaps the run id (same length).
  const encoded = template.map((e) => aigenCodec.encode({ type: e.type, data: e.data, metadata: e.metadata }));
  const db = new Database(path);
  prepareDatabase(db, 'normal');
  db.pragma('cache_size = -262144'); // 256 MiB: random event ids make the unique index the bottleneck
  const insert = db.prepare('INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
  const group = db.transaction((runIds: string[], count: number) => {
    let n = 0;
    for (let k = 0; k < encoded.length; k++) {
      for (const id of runIds) {
        if (n++ >= count) return;
        const e = encoded[k]!;
        insert.run(randomUUID(), `run-${id}`, k, e.type, e.data.replaceAll(from, id), e.metadata.replaceAll(from, id));
      }
    }
  });
  let inserted = 0;
  while (inserted < total) {
    const runIds = Array.from({ length: INTERLEAVED }, () => randomUUID());
    const count = Math.min(total - inserted, runIds.length * encoded.length);
    group(runIds, count);
    inserted += count;
  }
  db.close();
  return inserted;
}

