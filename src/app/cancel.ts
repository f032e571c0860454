import { hostname } from 'node:os';
import { NotFoundError } from '../errors.js';
import { runStreamId } from '../events/streams.js';
import { foldRunStatus, type RunLifecycle } from '../projections/status.js';
import { handleCommand } from '../runtime/command.js';
import type { WorkflowEngine } from '../runtime/engine.js';
import type { EventStore } from '../store/eventStore.js';
import { readRun } from './runs.js';

/** What {@link cancelRun} did to one run. */
export interface CancelOutcome {
  runId: string;
  /** The run's status before the request. */
  previousStatus: RunLifecycle;
  /** `cancelled`: RunCancelled was recorded now; `ended`: the run had already ended. */
  outcome: 'cancelled' | 'ended';
  /** Child runs (parallel branches) cancelled with it by fencing (in-process runs cancel their own). */
  children: CancelOutcome[];
}

/** Options of {@link cancelRun}. */
export interface CancelOptions {
  /** An engine of this process: a run it executes is cancelled in it (aborting its model calls). */
  engine?: WorkflowEngine;
  /** Who asks, recorded in the RunCancelled event's tags (e.g. `aigen cancel`, `http`). */
  requestedBy?: string;
}

/**
 * Cancel a run from any process. A run this process executes (in `options.engine`) is cancelled
 * there. Any other run is fenced: `RunCancelled` is appended as a command (`handleCommand`), at
 * the expected version of the stream's last event. A run has one writer, which appends with
 * `expectedVersion`; the engine that runs it sees the RunCancelled it did not write and stops at
 * once (and in any case its next append fails), so the run ends `cancelled` and nothing acts
 * after the cancellation. A run whose process died is simply marked cancelled. A run that already
 * ended, also while the command retried, is left as it is (`outcome: 'ended'`).
 * @example
 * ```ts
 * const { outcome } = await cancelRun(store, runId, 'no longer needed');
 * ```
 */
export async function cancelRun(store: EventStore, runId: string, reason: string, options: CancelOptions = {}): Promise<CancelOutcome> {
  if (options.engine) {
    const status = foldRunStatus(await readRun(store, runId));
    if (status.endedAt !== undefined) return { runId, previousStatus: status.status, outcome: 'ended', children: [] };
    try {
      await options.engine.cancel(runId, reason);
      return { runId, previousStatus: status.status, outcome: 'cancelled', children: [] };
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
  }
  const now = Date.now();
  const { value } = await handleCommand(store, runId, {
    name: 'cancel',
    tags: { requestedBy: options.requestedBy ?? 'aigen', pid: String(process.pid), host: hostname() },
    decide: (state) => ({
      events: state.endedAt !== undefined ? [] : [{ type: 'RunCancelled', data: { reason, usage: state.usage, durationMs: Math.max(0, now - Date.parse(state.startedAt)) } }],
      value: { previousStatus: state.status, outcome: state.endedAt !== undefined ? ('ended' as const) : ('cancelled' as const) },
    }),
  });
  if (value.outcome === 'ended') return { runId, ...value, children: [] };
  // Child runs (parallel branches) are streams `run-<runId>.<branch>`: fence the ones still running.
  const children: CancelOutcome[] = [];
  for await (const e of store.readAll({ filter: { streamPrefix: `${runStreamId(runId)}.`, types: ['RunStarted'] } })) {
    const childId = e.streamId.slice(runStreamId('').length);
    if (childId.slice(runId.length + 1).includes('.')) continue; // grandchildren are cancelled through their parent
    children.push(await cancelRun(store, childId, `parent run cancelled: ${reason}`, { ...options, engine: undefined }));
  }
  return { runId, ...value, children };
}
