import { recordedWorkflow } from '../config/recorded.js';
import type { RecordedEvent } from '../events/envelope.js';
import type { Workflow } from '../machines/workflow.js';
import { Context } from './context.js';
import { runOptionsOf, runStartedOf } from './replay/engineSupport.js';
import type { ExecutionMode, RecordedRunDeps } from './replay/modes.js';
import type { RunHandle } from './runExecution.js';
import type { RunOptions } from './runOptions.js';

/** One re-execution of a recorded run: whose log, into which run, in which mode. */
export interface Reexecution {
  /** The recorded run's log (its first event is RunStarted). */
  log: RecordedEvent[];
  /** The run the log is of. */
  source: string;
  /** The run that executes: the same for resume, claim and verify; a new id for a fork. */
  runId: string;
  mode: Exclude<ExecutionMode, { kind: 'live' | 'submit' }>;
  /** The workflow code (default: rebuilt from the log's RunStarted, see `recordedWorkflow`). */
  workflow?: Workflow | undefined;
  /** Changes to the recorded run options (a fork's model or run context). */
  options?: Partial<RunOptions>;
}

/**
 * The one entry point of every re-execution (resume, a worker's claim, fork, verify): the
 * workflow rebuilt from the log (or the one given), the recorded input and run options, launched
 * in the mode that answers from the log.
 * @example
 * ```ts
 * const handle = reexecute(deps, { log, source: runId, runId, mode: { kind: 'verify', log } });
 * ```
 */
export function reexecute(deps: RecordedRunDeps, r: Reexecution): RunHandle {
  const started = runStartedOf(r.log);
  const workflow = r.workflow ?? recordedWorkflow(deps.catalog, started.workflow, r.source);
  return deps.launcher.launch(workflow, started.input, new Context(), { ...runOptionsOf(started, r.runId), ...r.options }, r.mode);
}
