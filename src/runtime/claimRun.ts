import type { Catalog } from '../config/catalog.js';
import { ValidationError } from '../errors.js';
import type { RecordedEvent } from '../events/envelope.js';
import type { Workflow } from '../machines/workflow.js';
import { toErrorInfo } from '../journal/errorInfo.js';
import { zeroUsage } from '../events/usage.js';
import { thisProcess } from './owner.js';
import { runStartedOf } from './replay/engineSupport.js';
import { reexecute } from './reexecute.js';
import { isFinished, type RecordedRunDeps } from './replay/modes.js';
import type { RunHandle } from './runExecution.js';
import { CommandConflictError, handleCommand } from './command.js';
import { recordedWorkflow } from '../config/recorded.js';


/** The executor taking a run. */
export interface Claimant {
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

/**
 * Take a run whose lease this process holds: append `RunClaimed` right after the log's end (a
 * command, under `expectedVersion`, so every earlier executor is fenced), then execute it from its log as
 * a resume does (no recorded step runs again) and live from there. A queued run's log is just
 * its RunStarted, so it simply runs.
 */
export async function claimRun(deps: RecordedRunDeps, runId: string, claim: Claimant): Promise<ClaimOutcome> {
  let claimed: RecordedEvent[];
  try {
    const r = await handleCommand(deps.store, runId, {
      name: 'claim',
      allowMissing: true,
      decide: (_state, log) => {
        const last = log.at(-1);
        if (!last) return { events: [], value: 'missing' as const };
        if (isFinished(log)) return { events: [], value: 'finished' as const };
        const data = { workerId: claim.workerId, owner: thisProcess(), leaseMs: claim.leaseMs, fromPosition: last.streamPosition };
        return { events: [{ type: 'RunClaimed', data }], value: 'claimed' as const };
      },
    });
    if (r.value !== 'claimed') return { kind: r.value };
    claimed = r.log;
  } catch (err) {
    // The previous executor kept writing (its lease had just expired): someone else has it.
    if (err instanceof CommandConflictError) return { kind: 'busy' };
    throw err;
  }
  const started = runStartedOf(claimed);
  let workflow: Workflow;
  try {
    workflow = recordedWorkflow(deps.catalog, started.workflow, runId);
  } catch (err) {
    const error = toErrorInfo(err);
    const message = `this worker cannot build workflow '${started.workflow.name}': ${error.message}`;
    // Unless another worker claimed the run meanwhile (it may have the workflow), it ends here.
    await handleCommand(deps.store, runId, {
      name: 'fail',
      decide: (state) => ({
        events: state.endedAt === undefined && state.worker === claim.workerId ? [{ type: 'RunFailed', data: { error: { ...error, message }, usage: zeroUsage(), durationMs: 0 } }] : [],
        value: undefined,
      }),
    });
    return { kind: 'failed', code: error.code, message };
  }
  const handle = reexecute(deps, { log: claimed, source: runId, runId, mode: { kind: 'resume', log: claimed, owner: thisProcess(), claimed: true }, workflow });
  return { kind: 'running', handle };
}

