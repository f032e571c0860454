import type { RecordedEvent } from '../events/envelope.js';
import { foldRunState, type RunState } from './runState.js';

export type { RunLifecycle, StepView, ActorView, ActorTask, WaitingFor, ApprovalView, WaitStepView } from './runState.js';

/** The status view of one run: the run state folded by {@link evolve} (see `runState.ts`). */
export type RunStatus = RunState;

/**
 * Fold a run's events (in stream order, starting with its RunStarted) into its status view.
 * @example
 * ```ts
 * const events = []; for await (const e of store.readStream('run-' + runId)) events.push(e);
 * foldRunStatus(events).status; // 'completed'
 * ```
 */
export function foldRunStatus(events: readonly RecordedEvent[]): RunStatus {
  if (events[0]?.type !== 'RunStarted') throw new Error('a run stream must start with RunStarted');
  return foldRunState(events);
}
