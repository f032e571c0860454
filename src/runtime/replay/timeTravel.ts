import type { StateValue } from '../../events/common.js';
import type { RecordedEvent } from '../../events/envelope.js';
import { completedOutputs, foldRunState } from '../../projections/runState.js';

/** One actor as of a position: its machine, state value and what it was working on. */
export interface ActorAt {
  machine: string | undefined;
  state: StateValue;
  context: {
    stepId?: string;
    attempt?: number;
    input?: unknown;
    output?: unknown;
    error?: unknown;
  };
}

/** Every actor of a run as of stream position P, and each agent's latest output (what `Context` holds). */
export interface RunAt {
  runId: string;
  position: number;
  event: { type: string; data: unknown } | undefined;
  actors: Record<string, ActorAt>;
  outputs: Record<string, string | undefined>;
}

/**
 * Fold a run's events up to stream position P with the run-state reducer into the state value
 * and context of every actor (time travel: nothing is executed).
 * @example
 * ```ts
 * const at = runAt(events, 12); at.actors.writer.state; // 'working'
 * ```
 */
export function runAt(events: readonly RecordedEvent[], position: number): RunAt {
  const state = foldRunState(events, position);
  const actors: Record<string, ActorAt> = {};
  for (const [id, actor] of Object.entries(state.actors)) {
    const step = actor.task && state.steps.find((s) => s.stepId === actor.task!.stepId);
    actors[id] = {
      machine: actor.machine,
      state: actor.state,
      context: actor.task
        ? {
            ...actor.task,
            ...(step?.output !== undefined ? { output: step.output } : {}),
            ...(step?.error !== undefined && step.status !== 'running' ? { error: step.error } : {}),
          }
        : {},
    };
  }
  const outputs: Record<string, string | undefined> = {};
  for (const { agentId, text } of completedOutputs(state)) outputs[agentId] = text;
  const last = [...events].reverse().find((e) => e.streamPosition <= position);
  return { runId: state.runId, position, event: last ? { type: last.type, data: last.data } : undefined, actors, outputs };
}
