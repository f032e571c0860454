import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type EventStore } from '../../../src/index.js';
import { openCheckpointStore } from '../../../src/projections/checkpoints.js';
import { CheckpointConflictError } from '../../../src/projections/errors.js';
import { LogSpanExporter, type LogSpan } from '../../../src/projections/otel/index.js';
import { runPatterns, tempDir } from './support.js';

let store: EventStore;
let ids: Record<string, string>;
beforeAll(async () => {
  store = await openStore('memory:');
  ids = await runPatterns(store, 'Spans of');
}, 120_000);
afterAll(() => store.close());

async function exportAll(name: string, options: { batchSize?: number; cacheSize?: number } = {}): Promise<LogSpan[]> {
  const spans: LogSpan[] = [];
  const exporter = new LogSpanExporter(store, await openCheckpointStore('memory:', store), (s) => Promise.resolve(void spans.push(...s)), { checkpoint: name, ...options });
  await exporter.catchUp();
  return spans;
}

const key = (s: LogSpan) => `${s.traceId}/${s.spanId}<${s.parentSpanId ?? ''} ${s.name} ${s.startedAt}-${s.endedAt}`;

describe('spans folded from the log', () => {
  it('the same spans whatever the batch size, with runs rebuilt from their streams between batches', async () => {
    const whole = await exportAll('whole');
    const pieces = await exportAll('pieces', { batchSize: 7, cacheSize: 0 });
    expect(pieces.map(key).sort()).toEqual(whole.map(key).sort());
    expect(new Set(whole.map((s) => s.spanId)).size).toBe(whole.length);
    // A second exporter on a caught-up checkpoint has nothing left to send.
    expect(await exportAll('whole')).toEqual([]);
  });

  it('child runs join the root run trace under the parent run span; handoffs and branches are span events', async () => {
    const spans = await exportAll('shape');
    const runSpan = (runId: string) => spans.find((s) => s.attributes['aigen.run.id'] === runId)!;
    const parent = runSpan(ids.multi_perspective!);
    const children = spans.filter((s) => s.attributes['aigen.run.parent_id'] === ids.multi_perspective);
    expect(children.length).toBeGreaterThanOrEqual(2);
    for (const child of children) {
      expect(child.traceId).toBe(parent.traceId);
      expect(child.parentSpanId).toBe(parent.spanId);
    }
    const steps = spans.filter((s) => s.traceId === runSpan(ids.dynamic_content!).traceId && s.attributes['gen_ai.operation.name'] === 'invoke_agent');
    expect(steps.flatMap((s) => s.events.map((e) => e.name))).toContain('handoff');
    expect(runSpan(ids.content_router!).events.map((e) => e.name)).toContain('branch');
  });

  it('a sink that fails moves no checkpoint: the next export sends the same spans', async () => {
    const checkpoints = await openCheckpointStore('memory:', store);
    const failing = new LogSpanExporter(store, checkpoints, () => Promise.reject(new Error('collector down')), { checkpoint: 'retry' });
    await expect(failing.catchUp()).rejects.toThrow('collector down');
    expect(await checkpoints.read('retry')).toBeUndefined();
    expect((await exportAll('retry')).map(key).sort()).toEqual((await exportAll('reference')).map(key).sort());
  });
});

describe('named checkpoints in sqlite', () => {
  const tmp = tempDir('checkpoints');
  afterAll(() => tmp.remove());

  it('compare-and-set: a writer that expected another position fails and writes nothing', async () => {
    const url = `sqlite:${join(tmp.dir, 'cp.db')}`;
    const sqlite = await openStore(url);
    const a = await openCheckpointStore(url, sqlite);
    const b = await openCheckpointStore(url, sqlite);
    try {
      await a.write('otel', undefined, '10');
      await expect(b.write('otel', undefined, '12')).rejects.toBeInstanceOf(CheckpointConflictError);
      await b.write('otel', '10', '12');
      expect(await a.read('otel')).toBe('12');
      expect(await a.read('other')).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
      await sqlite.close();
    }
  });
});
