import { z } from 'zod';
import type { RecordedEvent } from '../../events/envelope.js';
import { runStreamId } from '../../events/streams.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { EventStore } from '../../store/eventStore.js';

const lineSchema = z.object({
  eventId: z.string(),
  streamId: z.string().min(1),
  streamPosition: z.number().int().nonnegative(),
  globalPosition: z.string().optional(),
  type: z.string(),
  data: z.unknown(),
  metadata: z.record(z.string(), z.unknown()),
});

async function collect(store: EventStore, runId: string, out: RecordedEvent[]): Promise<void> {
  const events: RecordedEvent[] = [];
  for await (const e of store.readStream(runStreamId(runId))) events.push(e);
  out.push(...events);
  for (const e of events) {
    if (e.type === 'ChildRunStarted') await collect(store, (e.data as { childRunId: string }).childRunId, out);
  }
}

/**
 * A run and its child runs as JSON lines (one recorded event per line), for `aigen export`.
 * @example
 * ```ts
 * writeFileSync('run.jsonl', await exportRun(store, runId));
 * ```
 */
export async function exportRun(store: EventStore, runId: string): Promise<string> {
  const events: RecordedEvent[] = [];
  await collect(store, runId, events);
  if (events.length === 0) throw new NotFoundError('run', runId);
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** Parse exported JSON lines; errors name the line. */
export function parseRunFile(text: string, file = 'run file'): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new ValidationError(`${file}:${i + 1}: not JSON (${(e as Error).message})`, { path: `${file}:${i + 1}` });
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ValidationError(`${file}:${i + 1}: ${issue.path.join('.')}: ${issue.message}`, { path: `${file}:${i + 1}` });
    }
    events.push({ globalPosition: '', ...parsed.data } as RecordedEvent);
  });
  return events;
}

/**
 * Append exported runs to a store, stream by stream, keeping event ids and stream positions.
 * Importing the same file twice is a no-op; a stream that already holds other events is refused.
 * Returns the root run ids (runs without a parent).
 * @example
 * ```ts
 * const [runId] = await importRuns(store, parseRunFile(readFileSync('run.jsonl', 'utf8')));
 * ```
 */
export async function importRuns(store: EventStore, events: readonly RecordedEvent[]): Promise<string[]> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  const roots: string[] = [];
  for (const [streamId, list] of streams) {
    list.sort((a, b) => a.streamPosition - b.streamPosition);
    list.forEach((e, i) => {
      if (e.streamPosition !== i) throw new ValidationError(`${streamId}: positions must run 0, 1, 2…; found ${e.streamPosition} at index ${i}`, { path: streamId });
    });
    await store.append(
      streamId,
      list.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata })),
      { expectedVersion: 'no_stream' },
    ).catch(async (err: unknown) => {
      // Re-import of the same events is an idempotent no-op; anything else is a real conflict.
      const version = await store.streamVersion(streamId);
      if (version !== list.length - 1) throw err;
      await store.append(streamId, list.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata })), { expectedVersion: 'any' });
    });
    const first = list[0];
    if (first?.type === 'RunStarted' && !(first.data as { parentRunId?: string }).parentRunId) roots.push((first.data as { runId: string }).runId);
  }
  return roots;
}
