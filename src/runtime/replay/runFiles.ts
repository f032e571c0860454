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

/** An import whose events clash with what the store already holds under the same ids or positions. */
export class ImportConflictError extends ValidationError {
  override readonly code = 'IMPORT_CONFLICT';
}

/** JSON with object keys sorted, so values read back from any store (jsonb reorders keys) compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

function sameEvent(a: RecordedEvent, b: RecordedEvent): boolean {
  return a.eventId === b.eventId && a.type === b.type && canonical(a.data) === canonical(b.data) && canonical(a.metadata) === canonical(b.metadata);
}

/**
 * Append exported runs to a store, stream by stream, keeping event ids and stream positions.
 * Importing the same file again is a no-op, and finishes an import that was interrupted (only the
 * events the store does not hold yet are appended). Events that the store holds at the same
 * positions with other ids or other data are refused with {@link ImportConflictError} before
 * anything is written. Returns the root run ids (runs without a parent).
 * @example
 * ```ts
 * const [runId] = await importRuns(store, parseRunFile(readFileSync('run.jsonl', 'utf8')));
 * ```
 */
export async function importRuns(store: EventStore, events: readonly RecordedEvent[]): Promise<string[]> {
  const streams = new Map<string, RecordedEvent[]>();
  for (const e of events) streams.set(e.streamId, [...(streams.get(e.streamId) ?? []), e]);
  // Check every stream before writing any, so a refused file changes nothing.
  const plans: Array<{ streamId: string; stored: number; list: RecordedEvent[] }> = [];
  for (const [streamId, list] of streams) {
    list.sort((a, b) => a.streamPosition - b.streamPosition);
    list.forEach((e, i) => {
      if (e.streamPosition !== i) throw new ValidationError(`${streamId}: positions must run 0, 1, 2…; found ${e.streamPosition} at index ${i}`, { path: streamId });
    });
    let stored = 0;
    for await (const existing of store.readStream(streamId, { to: list.length - 1 })) {
      const mine = list[existing.streamPosition];
      if (mine && !sameEvent(mine, existing)) {
        throw new ImportConflictError(
          `${streamId}@${existing.streamPosition}: the store already holds ${existing.type} ${existing.eventId} there, and the file has ${mine.type} ${mine.eventId} with other content; nothing was imported`,
          { path: `${streamId}@${existing.streamPosition}` },
        );
      }
      stored += 1;
    }
    plans.push({ streamId, stored, list });
  }
  const roots: string[] = [];
  for (const { streamId, stored, list } of plans) {
    const missing = list.slice(stored);
    if (missing.length > 0) {
      await store.append(
        streamId,
        missing.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata })),
        { expectedVersion: stored === 0 ? 'no_stream' : stored - 1 },
      );
    }
    const first = list[0];
    if (first?.type === 'RunStarted' && !(first.data as { parentRunId?: string }).parentRunId) roots.push((first.data as { runId: string }).runId);
  }
  return roots;
}
