import { Hono } from 'hono';
import { z } from 'zod';
import type { RunRow } from '../../projections/api.js';
import { RUN_LIFECYCLES, type RunLifecycle } from '../../projections/runState.js';
import { priceTrace, withCost } from '../../projections/cost.js';
import { DEFAULT_PRICES } from '../../projections/usage.js';
import { cancelHttpRun, forkHttpRun, startHttpRun, submitHttpRun } from '../commands.js';
import { resolveRun, type RouteDeps } from '../reads.js';
import { sseResponse } from '../sse.js';
import { atQuerySchema, jsonBody, parseOr400, runIdParam } from '../validate.js';
import { wantsEventStream } from './events.js';

const LIFECYCLES = RUN_LIFECYCLES as readonly [RunLifecycle, ...RunLifecycle[]];

const runsQuerySchema = z.object({
  status: z.enum(LIFECYCLES).optional(),
  workflow: z.string().min(1).max(200).optional(),
  root: z.enum(['true', 'false']).optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'limit is a whole number from 1 to 1000')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
  cursor: z.string().min(1).max(500).optional(),
});

const modelSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:/@-]+$/, 'a model name has letters, digits and . : / @ - _ only');

/** The SDK run context of a run: a JSON object (tools read its fields as `runContext.context.<field>`). */
const runContextSchema = z.record(z.string(), z.json(), 'runContext is a JSON object, e.g. {"user": "ann"}');

const startSchema = z.object({
  workflow: z.string().min(1).max(500),
  input: z
    .string()
    .max(100_000)
    .refine((s) => s.trim() !== '', 'input is empty'),
  model: modelSchema.optional(),
  runContext: runContextSchema.optional(),
  /** Record the run and leave it to a worker (`aigen worker`, `aigen serve`) instead of executing it here. */
  detach: z.boolean().optional(),
});

const forkSchema = z.object({
  at: z.number().int().min(0),
  model: modelSchema.optional(),
  /** The fork's run context (default: the source run's recorded one). */
  runContext: runContextSchema.optional(),
});

const cancelSchema = z.object({ reason: z.string().min(1).max(500).optional() });

/**
 * `/api/runs…`: the runs list (JSON page, or an SSE stream of changed rows), a run's status,
 * trace and definition (`?at=P` for a view as of stream position P), and the commands start,
 * cancel and fork.
 */
export function runRoutes(deps: RouteDeps): Hono {
  const { reads, engine, projections } = deps;
  const prices = deps.prices ?? DEFAULT_PRICES;
  const app = new Hono();

  app.get('/', async (c) => {
    if (wantsEventStream(c)) {
      return sseResponse(c, projections.watchRuns(), {
        toMessage: (row: RunRow) => ({ event: 'run', data: row }),
        ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
      });
    }
    const q = parseOr400(runsQuerySchema, c.req.query(), 'query');
    const page = await reads.runs({
      ...(q.status ? { status: q.status } : {}),
      ...(q.workflow ? { workflow: q.workflow } : {}),
      ...(q.root ? { rootOnly: q.root === 'true' } : {}),
      ...(q.limit ? { limit: q.limit } : {}),
      ...(q.cursor ? { cursor: q.cursor } : {}),
    });
    const rows = await reads.priceRuns(page.rows, prices);
    return c.json({ runs: rows, nextCursor: page.nextCursor ?? null });
  });

  app.post('/', async (c) => {
    const { detach, ...body } = await jsonBody(c, startSchema);
    if (detach) {
      const runId = await submitHttpRun(engine, body, deps.catalog);
      return c.json({ runId, status: 'queued' }, 202, { Location: `/api/runs/${runId}` });
    }
    const runId = await startHttpRun(engine, body, deps.catalog);
    return c.json({ runId }, 202, { Location: `/api/runs/${runId}` });
  });

  app.get('/:id', async (c) => {
    const runId = await resolveRun(reads, runIdParam(c));
    const { at } = parseOr400(atQuerySchema, c.req.query(), 'query');
    const status = withCost(await reads.status(runId, at), await reads.cost(runId, prices, at));
    return c.json(status);
  });

  app.get('/:id/trace', async (c) => {
    const runId = await resolveRun(reads, runIdParam(c));
    const { at } = parseOr400(atQuerySchema, c.req.query(), 'query');
    return c.json(priceTrace(await reads.trace(runId, at), prices));
  });

  app.get('/:id/definition', async (c) => {
    const runId = await resolveRun(reads, runIdParam(c));
    return c.json(await reads.definition(runId));
  });

  app.post('/:id/cancel', async (c) => {
    const runId = await resolveRun(reads, runIdParam(c));
    const { reason } = await jsonBody(c, cancelSchema, {});
    await cancelHttpRun(engine, runId, reason ?? 'cancelled over HTTP');
    return c.json({ runId, status: 'cancelled' });
  });

  app.post('/:id/fork', async (c) => {
    const source = await resolveRun(reads, runIdParam(c));
    const { at, model, runContext } = await jsonBody(c, forkSchema);
    const runId = await forkHttpRun(engine, source, at, model, runContext);
    return c.json({ runId, forkOf: { runId: source, position: at } }, 202, { Location: `/api/runs/${runId}` });
  });

  return app;
}
