import { RunBusyError, RunFinishedError } from './errors.js';
import { lastOwner, ownerState, thisProcess } from './owner.js';
import { runStartedOf } from './replay/engineSupport.js';
import { isFinished, type RecordedRunDeps } from './replay/modes.js';
import type { ExecuteResult } from './runExecution.js';
import { readRunLog } from './runLog.js';
import type { Workflow } from '../machines/workflow.js';
import { parkedAnywhere, parkLease } from './parking.js';
import { reexecute } from './reexecute.js';

/** Options of `engine.resume()`. */
export interface ResumeOptions {
  /** The workflow code (default: rebuilt from the run's RunStarted, see `recordedWorkflow`). */
  workflow?: Workflow;
  /** Resume even when the run's last process cannot be checked (another host). */
  force?: boolean;
}

/**
 * Continue a run whose process died: rebuilt by re-execution from its log, then live from its
 * end. Refuses a finished run, and (RUN_BUSY) one whose process is alive or unknowable (unless
 * `force`); a parked run (one that waits, or whose waits were decided) has no process. The first
 * new append (RunResumed) claims the run; a lost claim is RUN_BUSY. A run that parks again keeps
 * its lease row parked; a parked run that ends loses it.
 */
export async function resumeRun(deps: RecordedRunDeps, runId: string, options: ResumeOptions = {}): Promise<ExecuteResult> {
  const log = await readRunLog(deps.store, runId);
  const started = runStartedOf(log);
  if (isFinished(log)) throw new RunFinishedError(runId, log[log.length - 1]!.type);
  // A parked run has no process: nobody else executes it.
  const parked = await parkedAnywhere(deps.store, log);
  const owner = parked ? undefined : lastOwner(log);
  const state = owner ? ownerState(owner, runId) : 'dead';
  if (state !== 'dead' && !options.force) {
    throw new RunBusyError(runId, {
      detail:
        state === 'alive'
          ? `its process ${owner!.pid} on ${owner!.host} is still running it`
          : `it was last run by process ${owner!.pid} on host ${owner!.host}, whose liveness cannot be checked from here; resume with --force if that process is gone`,
    });
  }
  const handle = reexecute(deps, { log, source: runId, runId, mode: { kind: 'resume', log, owner: thisProcess() }, workflow: options.workflow });
  await handle.started;
  const result = await handle.done;
  // Another process appended first: it holds the run now (our claim, or a later append, lost).
  if (result.error?.code === 'WRONG_EXPECTED_VERSION') throw new RunBusyError(runId, { detail: 'another process wrote to it first' });
  const leases = deps.store.leases;
  if (leases && result.status === 'waiting') await parkLease(deps.store, leases, { runId, workflow: started.workflow.name, waitingFor: result.waitingFor ?? [] });
  else if (leases && parked) await leases.finish(runId);
  return result;
}
