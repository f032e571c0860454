import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { RecordedEvent } from '../../events/envelope.js';
import { runStreamId } from '../../events/streams.js';
import { TERMINAL_EVENTS } from '../../projections/watch.js';
import type { EventFilter, EventStore } from '../../store/eventStore.js';
import type { ServerOptions } from '../deps.js';
import { resolveRun, runEventsPage } from '../reads.js';
import { sseResponse, type SseMessage } from '../sse.js';
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

/** Where an SSE stream starts: `Last-Event-ID` (a reconnect) wins over `?from=`. */
function sseFrom(c: Context, fallback: 'start' | 'end'): string {
  const lastId = c.req.header('last-event-id');
  if (lastId !== undefined && lastId !== '') return parseOr400(globalFromSchema, lastId, 'header');
  return parseOr400(sseQuery, c.req.query(), 'query').from ?? fallback;
}

function typesFilter(c: Context): EventFilter['types'] {
  const types = c.req.query('types');
  return types ? types.split(',').map((t) => t.trim()).filter(Boolean) : undefined;
}

/** An event as an SSE message: `id` its global position, `event` its type, `data` the event. */
export function eventMessage(e: RecordedEvent): SseMessage {
  return { id: e.globalPosition, event: e.type, data: e };
}

async function lastEvent(store: EventStore, runId: string): Promise<RecordedEvent | undefined> {
  for await (const e of store.readStream(runStreamId(runId), { direction: 'backwards', limit: 1 })) return e;
  return undefined;
}

/**
 * `/api/runs/:id/events` (a page of JSON, or SSE with catch-up then live, ending after the run's
 * terminal event with an `end` message) and `/api/events` (every run's events: JSON pages or SSE).
 */
export function eventRoutes(deps: ServerOptions): { run: Hono; all: Hono } {
  const { store, projections } = deps;
  const heartbeat = deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {};
  const run = new Hono();
  const all = new Hono();

  run.get('/:id/events', async (c) => {
    const runId = await resolveRun(store, projections, runIdParam(c));
    if (!wantsEventStream(c)) {
      const q = parseOr400(runEventsQuery, c.req.query(), 'query');
      const page = await runEventsPage(store, runId, q.from ?? 0, q.limit ?? 1000);
      return c.json({ events: page.events, next: page.next ?? null });
    }
    const from = sseFrom(c, 'start');
    const last = await lastEvent(store, runId);
    const ended = last !== undefined && TERMINAL_EVENTS.has(last.type) && (from === 'end' || from === last.globalPosition);
    const types = typesFilter(c);
    return sseResponse(c, store.subscribe({ streamId: runStreamId(runId), from, ...(types ? { filter: { types } } : {}) }), {
      toMessage: eventMessage,
      isLast: (e) => TERMINAL_EVENTS.has(e.type),
      ...(ended ? { preamble: [{ event: 'end', data: {} }], closeAfterPreamble: true } : {}),
      ...heartbeat,
    });
  });

  all.get('/', async (c) => {
    const types = typesFilter(c);
    const filter: EventFilter = { streamPrefix: 'run-', ...(types ? { types } : {}) };
    if (wantsEventStream(c)) {
      return sseResponse(c, store.subscribe({ from: sseFrom(c, 'end'), filter }), { toMessage: eventMessage, ...heartbeat });
    }
    const q = parseOr400(allEventsQuery, c.req.query(), 'query');
    const events: RecordedEvent[] = [];
    const limit = q.limit ?? 1000;
    for await (const e of store.readAll({ from: q.from ?? 'start', limit, filter })) events.push(e);
    const tail = events[events.length - 1];
    return c.json({ events, next: events.length === limit && tail ? tail.globalPosition : null });
  });

  return { run, all };
}
