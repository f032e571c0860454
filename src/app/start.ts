import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { runStreamId } from '../events/streams.js';
import type { Catalog } from '../config/catalog.js';
import type { Workflow } from '../machines/workflow.js';
import type { RunOptions, WorkflowEngine } from '../runtime/engine.js';
import type { ForkOptions } from '../runtime/replay/engineSupport.js';
import { resolveWorkflow, type ResolveWorkflowOptions } from './workflows.js';

/** What {@link startRun} starts. */
export interface StartRequest {
  /** A workflow spec (see `resolveWorkflow`; resolved in the engine's catalog unless another is given) or a workflow. */
  workflow: string | Workflow;
  input: string;
  model?: string | undefined;
  maxRetries?: number | undefined;
  retryDelayMs?: number | undefined;
  stepTimeoutMs?: number | undefined;
  /** Default: a fresh UUID. */
  runId?: string | undefined;
  /** The SDK run context of every agent's run (`RunOptions.runContext`). */
  runContext?: Record<string, unknown> | undefined;
}

/**
 * Start a run in the background; resolves with its runId once RunStarted is durable
 * (`engine.wait(runId)` gives the result).
 * @example
 * ```ts
 * const runId = await startRun(engine, { workflow: 'content_generation', input: 'Tides' });
 * ```
 */
export async function startRun(engine: WorkflowEngine, req: StartRequest, resolve: ResolveWorkflowOptions & { catalog?: Catalog } = {}): Promise<string> {
  return engine.start(workflowOf(engine, req, resolve), req.input, runOptionsOf(req));
}

type Resolve = ResolveWorkflowOptions & { catalog?: Catalog };

function workflowOf(engine: WorkflowEngine, req: StartRequest, resolve: Resolve): Workflow {
  return typeof req.workflow === 'string' ? resolveWorkflow(resolve.catalog ?? engine.catalog, req.workflow, resolve) : req.workflow;
}

/** The engine's run options of a request (unset fields left to the engine's defaults). */
function runOptionsOf(req: StartRequest): RunOptions {
  return {
    runId: req.runId ?? randomUUID(),
    ...(req.model ? { model: req.model } : {}),
    ...(req.maxRetries !== undefined ? { maxRetries: req.maxRetries } : {}),
    ...(req.retryDelayMs !== undefined ? { retryDelayMs: req.retryDelayMs } : {}),
    ...(req.stepTimeoutMs !== undefined ? { stepTimeoutMs: req.stepTimeoutMs } : {}),
    ...(req.runContext !== undefined ? { runContext: req.runContext } : {}),
  };
}

/**
 * Submit a run for a worker to execute (`engine.submit`); resolves with its runId once it is
 * recorded `queued`. `concurrency` caps the workflow's runs executing at once across workers.
 * @example
 * ```ts
 * const runId = await submitRun(engine, { workflow: 'content_generation', input: 'Tides' });
 * ```
 */
export async function submitRun(engine: WorkflowEngine, req: StartRequest & { concurrency?: number | undefined }, resolve: Resolve = {}): Promise<string> {
  return engine.submit(workflowOf(engine, req, resolve), req.input, {
    ...runOptionsOf(req),
    ...(req.concurrency !== undefined ? { concurrency: req.concurrency } : {}),
  });
}

/**
 * Fork `runId` at stream position `options.at` in the background; resolves with the new run's
 * id once its RunStarted is durable. A position outside the run is a `ValidationError` naming
 * `path` (default `at`).
 * @example
 * ```ts
 * const forkId = await startFork(engine, runId, { at: 12, model: 'offline' });
 * ```
 */
export async function startFork(engine: WorkflowEngine, runId: string, options: ForkOptions, path = 'at'): Promise<string> {
  const last = (await engine.store.streamVersion(runStreamId(runId))) ?? -1;
  if (!Number.isInteger(options.at) || options.at < 0 || options.at > last) {
    throw new ValidationError(`${path}: run ${runId} has stream positions 0 to ${last}, got ${options.at}`, { path });
  }
  return engine.startFork(runId, options);
}
