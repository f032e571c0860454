import { randomUUID } from 'node:crypto';
import { cancelRun } from '../app/cancellation.js';
import { AigenError, NotFoundError } from '../errors.js';
import type { Catalog } from '../config/catalog.js';
import type { Workflow } from '../machines/workflow.js';
import { foldRunStatus } from '../projections/status.js';
import { readRunEvents } from '../projections/at.js';
import type { WorkflowEngine } from '../runtime/engine.js';
import type { EventStore } from '../store/eventStore.js';
import { HttpError } from './errors.js';

/** What `POST /api/runs` starts. */
export interface StartRequest {
  workflow: string;
  input: string;
  model?: string | undefined;
}

/**
 * The workflow of a start request: a registered workflow name or a comma-separated list of agent
 * types. Workflow files are not loaded over HTTP (a client must not make the server read paths).
 */
export function workflowOf(spec: string, catalog: Catalog): Workflow {
  if (catalog.hasWorkflow(spec)) return catalog.createWorkflow(spec);
  const agents = spec.split(',').map((s) => s.trim());
  if (agents.every((a) => a !== '' && catalog.hasAgentType(a))) return catalog.createWorkflow(agents);
  const names = catalog.listWorkflows().map((w) => w.name);
  throw new HttpError(400, 'UNKNOWN_WORKFLOW', `unknown workflow '${spec}': use one of ${names.join(', ')}, or comma-separated agent types`, 'body.workflow');
}

/**
 * Start a run in the background; resolves with its runId once RunStarted is durable.
 * @example
 * ```ts
 * const runId = await startRun(engine, { workflow: 'content_generation', input: 'Tides' });
 * ```
 */
export async function startRun(engine: WorkflowEngine, req: StartRequest, catalog: Catalog = engine.catalog): Promise<string> {
  const workflow = workflowOf(req.workflow, catalog);
  return engine.start(workflow, req.input, { runId: randomUUID(), ...(req.model ? { model: req.model } : {}) }).catch(missingKeyAsHttp(req.model));
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

/**
 * Cancel a run: aborted in this process when it runs here, else fenced in the store (see
 * `cancelRun`). A run that already ended is a 409 `RUN_FINISHED`.
 */
export async function cancelRunAnywhere(engine: WorkflowEngine, store: EventStore, runId: string, reason: string): Promise<void> {
  const events = await readRunEvents(store, runId);
  if (events.length === 0) throw new NotFoundError('run', runId);
  const before = foldRunStatus(events);
  if (before.endedAt !== undefined) throw new HttpError(409, 'RUN_FINISHED', `run ${runId} already ended (${before.status}); nothing to cancel`);
  try {
    await engine.cancel(runId, reason);
    return;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
  }
  const outcome = await cancelRun(store, runId, reason);
  if (outcome.outcome === 'ended') throw new HttpError(409, 'RUN_FINISHED', `run ${runId} already ended (${outcome.previousStatus}); nothing to cancel`);
}

/**
 * Fork `runId` at stream position `at` in the background; resolves with the new run's id once
 * its RunStarted is durable.
 */
export function startFork(engine: WorkflowEngine, _store: EventStore, runId: string, at: number, model?: string): Promise<string> {
  return engine.startFork(runId, { at, ...(model ? { model } : {}) }).catch(missingKeyAsHttp(model));
}
