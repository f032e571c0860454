import { RunReads } from '../app/reads.js';
import { NotFoundError, ValidationError } from '../errors.js';
import type { ServerOptions } from './deps.js';
import { HttpError } from './errors.js';

/** What the routes get: the server's options and the app's read side over them. */
export type RouteDeps = ServerOptions & { readonly reads: RunReads };

/**
 * The routes' read side: positions are named `query.at`, and the current status and trace are
 * folded from the run's log (the server's views follow the store live, a batch behind at most).
 */
export function routeDeps(options: ServerOptions): RouteDeps {
  const projections = options.projections;
  return { ...options, reads: new RunReads(options.store, () => Promise.resolve(projections), { atField: 'query.at', current: 'log' }) };
}

/**
 * The full run id for `id`: the id itself when its stream exists, else the run whose id starts
 * with it (404 when none, 400 `AMBIGUOUS_RUN_ID` when several).
 */
export async function resolveRun(reads: RunReads, id: string): Promise<string> {
  try {
    return await reads.resolveRunId(id);
  } catch (err) {
    if (err instanceof ValidationError) throw new HttpError(400, 'AMBIGUOUS_RUN_ID', err.message, 'params.id');
    if (err instanceof NotFoundError) throw new NotFoundError('run', id);
    throw err;
  }
}
