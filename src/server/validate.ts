import type { Context } from 'hono';
import { z } from 'zod';
import { HttpError } from './errors.js';

/** A run id in a URL: a uuid, a child run's `<uuid>.<branch>`, or a unique prefix of one. */
export const runIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:-]+$/, 'a run id has letters, digits, "-", "_", "." and ":" only');

/** A stream position (0-based whole number) given as query text. */
export const positionSchema = z
  .string()
  .regex(/^\d{1,12}$/, 'a stream position is a whole number >= 0')
  .transform(Number);

/** A global position token of the store (opaque text), or `start` / `end`. */
export const globalFromSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w:.-]+$/, 'a position token has letters, digits, "-", "_", "." and ":" only');

/** `?at=P` of the status and trace routes. */
export const atQuerySchema = z.object({ at: positionSchema.optional() });

function issuePath(issue: z.core.$ZodIssue, prefix: string): string {
  const parts = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)));
  return [prefix, ...parts].filter(Boolean).join('.').replace(/\.\[/g, '[');
}

/**
 * Parse `value` with `schema`; a failure is a 400 `VALIDATION_FAILED` naming the field path of
 * the first issue (e.g. `body.workflow`, `query.limit`).
 * @example
 * ```ts
 * const { at } = parseOr400(atQuerySchema, c.req.query(), 'query');
 * ```
 */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params' | 'header'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issuePath(issue, where) : where;
  throw new HttpError(400, 'VALIDATION_FAILED', `${path}: ${issue?.message ?? 'invalid'}`, path);
}

/**
 * The JSON body of a POST, validated; a non-JSON body is a 400, and so is an empty one unless
 * `emptyAs` gives its value. (The content type is checked for every command by `crossSiteGuard`.)
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, emptyAs?: z.input<S>): Promise<z.output<S>> {
  const text = await c.req.text();
  if (text.trim() === '' && emptyAs !== undefined) return parseOr400(schema, emptyAs, 'body');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', 'body: not valid JSON', 'body');
  }
  return parseOr400(schema, body, 'body');
}

/** The run id of `/api/runs/:id…`, validated. */
export function runIdParam(c: Context): string {
  return parseOr400(z.object({ id: runIdSchema }), { id: c.req.param('id') }, 'params').id;
}
