import { cancelRun, startFork, startRun, submitRun } from '../app/index.js';
import type { Catalog } from '../config/catalog.js';
import type { WorkflowEngine } from '../runtime/engine.js';
import { AigenError } from '../errors.js';
import { HttpError } from './errors.js';

/** What `POST /api/runs` starts. */
export interface StartRequest {
  workflow: string;
  input: string;
  model?: string | undefined;
  /** The SDK run context of every agent's run. */
  runContext?: Record<string, unknown> | undefined;
}

/**
 * Start a run in the background; resolves with its runId once RunStarted is durable. The spec is
 * a registered workflow name or agent types; never a file path (a client must not make the
 * server read paths).
 */
export function startHttpRun(engine: WorkflowEngine, req: StartRequest, catalog: Catalog = engine.catalog): Promise<string> {
  return startRun(engine, req, { files: false, path: 'body.workflow', catalog }).catch(missingKeyAsHttp(req.model));
}

/** Record a run for a worker (`detach`); resolves with its runId once it is queued. */
export function submitHttpRun(engine: WorkflowEngine, req: StartRequest, catalog: Catalog = engine.catalog): Promise<string> {
  return submitRun(engine, req, { files: false, path: 'body.workflow', catalog });
}

/** Cancel a run (here or in another process); a run that already ended is a 409 `RUN_FINISHED`. */
export async function cancelHttpRun(engine: WorkflowEngine, runId: string, reason: string): Promise<void> {
  const outcome = await cancelRun(engine.store, runId, reason, { engine, requestedBy: 'http' });
  if (outcome.outcome === 'ended') throw new HttpError(409, 'RUN_FINISHED', `run ${runId} already ended (${outcome.previousStatus}); nothing to cancel`);
}

/** Fork `runId` at stream position `at` in the background; resolves with the new run's id. */
export function forkHttpRun(engine: WorkflowEngine, runId: string, at: number, model?: string, runContext?: Record<string, unknown>): Promise<string> {
  return startFork(engine, runId, { at, ...(model ? { model } : {}), ...(runContext !== undefined ? { runContext } : {}) }, 'body.at').catch(missingKeyAsHttp(model));
}

/**
 * A model that needs `OPENAI_API_KEY` on a server without one: a 400 on `body.model` whose
 * message speaks of the request's fields (the engine's own message names a CLI flag).
 */
function missingKeyAsHttp(model: string | undefined): (err: unknown) => never {
  return (err) => {
    if (!(err instanceof AigenError) || err.code !== 'MISSING_API_KEY') throw err;
    const which = model ? `model '${model}'` : "the server's default model";
    throw new HttpError(400, 'MISSING_API_KEY', `${which} needs OPENAI_API_KEY, which this server does not have; send "model": "offline" to run without a key`, 'body.model');
  };
}
