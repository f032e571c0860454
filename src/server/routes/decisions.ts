import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { recordDecision, sendSignal } from '../../app/decide.js';
import { ValidationError } from '../../errors.js';
import { HttpError } from '../errors.js';
import { resolveRun, type RouteDeps } from '../reads.js';
import { callerName } from '../security.js';
import { jsonBody, parseOr400, runIdParam } from '../validate.js';

const decisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  comment: z.string().min(1).max(10_000).optional(),
  /** The approver's edited version of a step's output. */
  output: z.json().optional(),
});

const idSchema = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[\w.:@-]+$/, 'letters, digits, "-", "_", ".", ":" and "@" only');

/**
 * A validation error of the decision as a 400 naming the request's field: the edited `output`
 * is `body.output`; a signal's payload is the body itself, so its field `items[0].sku` is
 * `body.items[0].sku` (and the payload as a whole, `(payload)`, is `body`).
 */
function asBodyError(err: unknown, where: 'output' | 'payload'): never {
  if (!(err instanceof ValidationError)) throw err;
  const field = err.path ?? '';
  let path = 'body.output';
  if (where === 'payload') path = field === '' || field === '(payload)' ? 'body' : field.startsWith('[') ? `body${field}` : `body.${field}`;
  throw new HttpError(400, err.code, err.message, path);
}

/**
 * The decisions on waiting runs: `POST /api/runs/:id/approvals/:approvalId` and
 * `POST /api/runs/:id/signals/:name`. The decider is the caller: the name of the API token it sent.
 */
export function decisionRoutes(deps: RouteDeps): Hono {
  const { engine } = deps;
  const decisions = new Hono();
  decisions.post('/:id/approvals/:approvalId', async (c) => {
    const runId = await resolveRun(deps.reads, runIdParam(c));
    const approvalId = param(c, 'approvalId');
    const body = await jsonBody(c, decisionSchema);
    const by = callerName(c, deps);
    const outcome = await recordDecision(engine, runId, {
      decision: body.decision,
      approvalId,
      by,
      ...(body.comment !== undefined ? { comment: body.comment } : {}),
      ...(body.output !== undefined ? { output: body.output } : {}),
    }).catch((err: unknown) => asBodyError(err, 'output'));
    return c.json({ runId, approvalId, decision: body.decision, by, continued: outcome.continued });
  });

  decisions.post('/:id/signals/:name', async (c) => {
    const runId = await resolveRun(deps.reads, runIdParam(c));
    const name = param(c, 'name');
    const payload = await jsonBody(c, z.json(), null);
    const by = callerName(c, deps);
    const outcome = await sendSignal(engine, runId, name, payload, { by }).catch((err: unknown) => asBodyError(err, 'payload'));
    return c.json({ runId, signal: name, by, continued: outcome.continued });
  });
  return decisions;
}

function param(c: Context, key: 'approvalId' | 'name'): string {
  return parseOr400(z.object({ [key]: idSchema }), { [key]: c.req.param(key) }, 'params')[key] as string;
}
