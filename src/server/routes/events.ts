import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { RecordedEvent } from '../../events/envelope.js';
import { isTerminalEventType } from '../../events/terminal.js';
import type { RunReads } from '../../app/reads.js';
import { ValidationError } from '../../errors.js';
import { HttpError } from '../errors.js';
import { resolveRun, type RouteDeps } from '../reads.js';
import { sseResponse, type SseMessage } from '../sse.js';
import type { ModelDelta } from '../../journal/deltas.js';
import type { StreamItem } from '../../journal/liveMerge.js';
import { isDelta, streamAll, streamRun } from '../../runtime/liveStream.js';
import { globalFromSchema, parseOr400, positionSchema, runIdParam } from '../validate.js';

/** True when the client asked for `text/event-stream`. */
export function wantsEventStream(c: Context): boolean {
  return /\btext\/event-stream\b/i.test(c.req.header('accept') ?? '');
}

const limitSchema = (max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, `limit is a whole number from 1 to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

const runEventsQuery = z.object({ from: positionSchema.optional(), limit: limitSchema(10_000).optional() });
const sseQuery = z.object({ from: globalFromSchema.optional(), types: z.string().max(1000).optional() });
const allEventsQuery = z.object({ from: globalFromSchema.optional(), limit: limitSchema(10_000).optional(), types: z.string().max(1000).optional() });

/**
 * Where an SSE stream starts: `Last-Event-ID` (a reconnect) wins over `?from=`. A token the store
 * cannot read from (not one of its global positions: negative, garbage) is a 400.
 */
async function sseFrom(c: Context, reads: RunReads, fallback: 'start' | 'end'): Promise<string> {
  const lastId = c.req.header('last-event-id');
  const header = lastId !== undefined && lastId !== '';
  const from = header ? parseOr400(globalFromSchema, lastId, 'header') : (parseOr400(sseQuery, c.req.query(), 'query').from ?? fallback);
  if (from === 'start' || from === 'end') return from;
  try {
    await reads.checkGlobalPosition(from);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const path = header ? 'header' : 'query.from';
    throw new HttpError(400, 'VALIDATION_FAILED', `${header ? 'Last-Event-ID' : path}: ${err.message}`, path);
  }
  return from;
}

function typesFilter(c: Context): string[] | undefined {
  const types = c.req.query('types');
  return types ? types.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
}

/** An event as an SSE message: `id` its global position, `event` its type, `data` the event. */
export function eventMessage(e: RecordedEvent): SseMessage {
  return { id: e.globalPosition, event: e.type, data: e };
}

/**
 * A stream item as an SSE message: a recorded event as {@link eventMessage}; a live delta as
 * `event: delta` with no `id`, so `Last-Event-ID` only ever names durable events.
 */
export function itemMessage(item: StreamItem): SseMessage {
  return isDelta(item) ? { event: 'delta', data: item } : eventMessage(item);
}

/** Consecutive deltas of one call channel, still queued for a slow client, become one. */
export function joinDeltas(queued: SseMessage, next: SseMessage): SseMessage | undefined {
  if (queued.event !== 'delta' || next.event !== 'delta') return undefined;
  const a = queued.data as ModelDelta;
  const b = next.data as ModelDelta;
  if (b.snapshot || a.runId !== b.runId || a.callId !== b.callId || a.toolCall?.id !== b.toolCall?.id || a.index + a.text.length !== b.index) return undefined;
  return { event: 'delta', data: { ...a, text: a.text + b.text } };
}

/**
 * `/api/runs/:id/events` (a page of JSON, or SSE with catch-up then live, ending after the run's
 * terminal event with an `end` message) and `/api/events` (every run's events: JSON pages or SSE).
 */
export function eventRoutes(deps: RouteDeps): { run: Hono; all: Hono } {
  const { reads } = deps;
  const heartbeat = deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {};
  const run = new Hono();
  const all = new Hono();

  run.get('/:id/events', async (c) => {
    const runId = await resolveRun(reads, runIdParam(c));
    if (!wantsEventStream(c)) {
      const q = parseOr400(runEventsQuery, c.req.query(), 'query');
      const page = await reads.eventsPage(runId, q.from ?? 0, q.limit ?? 1000);
      return c.json({ events: page.events, next: page.next ?? null });
    }
    const from = await sseFrom(c, reads, 'start');
    const last = await reads.lastEvent(runId);
    // A finished run streamed from its terminal event or past it: nothing more will come.
    const finished = last !== undefined && isTerminalEventType(last.type);
    const ended = finished && from !== 'start' && (from === 'end' || !(await reads.endsAfter(runId, from)));
    const types = typesFilter(c);
    return sseResponse(c, streamRun(deps.engine.deltas, runId, { from, ...(types ? { filter: { types } } : {}) }), {
      toMessage: itemMessage,
      join: joinDeltas,
      isLast: (e) => !isDelta(e) && isTerminalEventType(e.type),
      ...(ended ? { preamble: [{ event: 'end', data: {} }], closeAfterPreamble: true } : {}),
      ...heartbeat,
    });
  });

  all.get('/', async (c) => {
    const types = typesFilter(c);
    const filter = { streamPrefix: 'run-', ...(types ? { types } : {}) };
    if (wantsEventStream(c)) {
      return sseResponse(c, streamAll(deps.engine.deltas, { from: await sseFrom(c, reads, 'end'), filter }), { toMessage: itemMessage, join: joinDeltas, ...heartbeat });
    }
    const q = parseOr400(allEventsQuery, c.req.query(), 'query');
    const page = await reads.allEventsPage(q.from ?? 'start', q.limit ?? 1000, filter);
    return c.json({ events: page.events, next: page.next ?? null });
  });

  return { run, all };
}
