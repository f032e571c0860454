import type { Catalog } from '../config/catalog.js';
import { ValidationError } from '../errors.js';
import type { RecordedEvent } from '../events/envelope.js';
import { runStreamId } from '../events/streams.js';
import type { Workflow } from '../machines/workflow.js';
import { ConcurrencyError } from '../store/errors.js';
import type { EventStore } from '../store/eventStore.js';
import { toErrorInfo } from '../journal/errorInfo.js';
import { zeroUsage } from '../events/usage.js';
import { Context } from './context.js';
import { thisProcess } from './owner.js';
import { runOptionsOf, runStartedOf } from './replay/engineSupport.js';
import { isFinished, type RecordedRunDeps } from './replay/modes.js';
import type { RunHandle } from './runExecution.js';
import { readRunLog } from './runLog.js';
import { recordedWorkflow } from '../config/recorded.js';


/** The executor taking a run. */
export interface ClaimRequest {
  workerId: string;
  leaseMs: number;
}

/**
 * What became of a claim: the run executes here (`running`), had already ended (`finished`),
 * has no stream (`missing`), could not be built here (`failed`, recorded as RunFailed) or kept
 * being written by another process (`busy`).
 */
export type ClaimOutcome =
  | { kind: 'running'; handle: RunHandle }
  | { kind: 'finished' | 'missing' | 'busy' }
  | { kind: 'failed'; code: string; message: string };

/**
 * A worker rebuilds a submitted run's workflow from its RunStarted: the recorded source (an agent
 * list, a workflow file's text) or the name registered in its catalog. Refuse to submit a
 * workflow that has neither.
 */
export function assertRebuildable(catalog: Catalog, workflow: Workflow): void {
  if (workflow.source !== undefined || catalog.hasWorkflow(workflow.name)) return;
  throw new ValidationError(
    `workflow '${workflow.name}' cannot be submitted: a worker rebuilds a run's workflow from its recorded source or its registered name, and '${workflow.name}' has neither (register it, e.g. in the project file)`,
    { path: 'workflow' },
  );
}

const readLog = (store: EventStore, runId: string): Promise<RecordedEvent[]> => readRunLog(store, runId, { allowMissing: true });

/**
 * Take a run whose lease this process holds: append `RunClaimed` right after the log's end
 * (under `expectedVersion`, so every earlier executor is fenced), then execute it from its log as
 * a resume does (no recorded step runs again) and live from there. A queued run's log is just
 * its RunStarted, so it simply runs.
 */
export async function claimRun(deps: RecordedRunDeps, runId: string, claim: ClaimRequest): Promise<ClaimOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const log = await readLog(deps.store, runId);
    if (log.length === 0) return { kind: 'missing' };
    if (isFinished(log)) return { kind: 'finished' };
    const last = log[log.length - 1]!;
    const { runId: _r, rootRunId, traceId } = log[0]!.metadata;
    try {
      await deps.store.append(
        runStreamId(runId),
        [{ type: 'RunClaimed', data: { workerId: claim.workerId, owner: thisProcess(), leaseMs: claim.leaseMs, fromPosition: last.streamPosition }, metadata: { runId, rootRunId, traceId } }],
        { expectedVersion: last.streamPosition },
      );
    } catch (err) {
      // The previous executor wrote meanwhile (its lease had just expired): read again.
      if (err instanceof ConcurrencyError) continue;
      throw err;
    }
    const claimed = await readLog(deps.store, runId);
    const started = runStartedOf(claimed);
    let workflow: Workflow;
    try {
      workflow = recordedWorkflow(deps.catalog, started.workflow, runId);
    } catch (err) {
      const error = toErrorInfo(err);
      const message = `this worker cannot build workflow '${started.workflow.name}': ${error.message}`;
      await deps.store.append(
        runStreamId(runId),
        [{ type: 'RunFailed', data: { error: { ...error, message }, usage: zeroUsage(), durationMs: 0 }, metadata: { runId, rootRunId, traceId } }],
        { expectedVersion: claimed[claimed.length - 1]!.streamPosition },
      );
      return { kind: 'failed', code: error.code, message };
    }
    const handle = deps.launch(workflow, started.input, new Context(), runOptionsOf(started, runId), { kind: 'resume', log: claimed, owner: thisProcess(), claimed: true });
    return { kind: 'running', handle };
  }
  return { kind: 'busy' };
}
