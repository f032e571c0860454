import { randomUUID } from 'node:crypto';
import { Subscription } from 'rxjs';
import { hasAgentType } from '../actors/registry.js';
import { cancelRun } from '../cli/cancellation.js';
import { NotFoundError } from '../errors.js';
import type { EventData } from '../events/catalogue.js';
import type { RecordedEvent } from '../events/envelope.js';
import { createWorkflow, listWorkflows } from '../machines/factory.js';
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
export function workflowOf(spec: string): Workflow {
  const registered = listWorkflows().some((w) => w.name === spec);
  const agents = spec.split(',').map((s) => s.trim());
  if (!registered && !(spec.includes(',') && agents.every((a) => a !== '' && hasAgentType(a))) && !hasAgentType(spec)) {
    const names = listWorkflows().map((w) => w.name);
    throw new HttpError(400, 'UNKNOWN_WORKFLOW', `unknown workflow '${spec}': use one of ${names.join(', ')}, or comma-separated agent types`, 'body.workflow');
  }
  return registered ? createWorkflow(spec) : createWorkflow(agents);
}

/**
 * Start a run in the background; resolves with its runId once RunStarted is durable.
 * @example
 * ```ts
 * const runId = await startRun(engine, { workflow: 'content_generation', input: 'Tides' });
 * ```
 */
export async function startRun(engine: WorkflowEngine, req: StartRequest): Promise<string> {
  const workflow = workflowOf(req.workflow);
  return engine.start(workflow, req.input, { runId: randomUUID(), ...(req.model ? { model: req.model } : {}) });
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

/** Forks in flight per source run and position, so each request is told its own fork's runId. */
const pendingForks = new Map<string, Promise<unknown>>();

/**
 * Fork `runId` at stream position `at` in the background; resolves with the new run's id once
 * its RunStarted is durable. The engine reports the id only when the fork ends, so the id is
 * taken from the fork's RunStarted (`forkOf` = source and position) as it is appended; forks of
 * the same source and position from this server are serialised until each has its id.
 */
export async function startFork(engine: WorkflowEngine, store: EventStore, runId: string, at: number, model?: string): Promise<string> {
  const key = `${runId}@${at}`;
  const previous = pendingForks.get(key) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => forkAndFindId(engine, store, runId, at, model));
  pendingForks.set(key, mine);
  try {
    return await mine;
  } finally {
    if (pendingForks.get(key) === mine) pendingForks.delete(key);
  }
}

async function forkAndFindId(engine: WorkflowEngine, store: EventStore, runId: string, at: number, model?: string): Promise<string> {
  const head = await store.headPosition();
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const sub = new Subscription();
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      sub.unsubscribe();
      fn();
    };
    sub.add(
      store.subscribe({ from: head ?? 'start', filter: { types: ['RunStarted'] } }).subscribe({
        next: (e: RecordedEvent) => {
          const d = e.data as EventData<'RunStarted'>;
          if (d.forkOf?.runId === runId && d.forkOf.position === at && !d.parentRunId) finish(() => resolve(d.runId));
        },
        error: (err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))),
      }),
    );
    engine.fork(runId, { at, ...(model ? { model } : {}) }).then(
      (result) => finish(() => resolve(result.runId)),
      (err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))),
    );
  });
}
