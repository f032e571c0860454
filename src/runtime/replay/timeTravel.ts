import type { StateValue } from '../../events/common.js';
import type { AigenEvent, RecordedEvent } from '../../events/envelope.js';
import { Context } from '../context.js';

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

/** Every actor of a run as of stream position P, and the run's seed Context (outputs per agent). */
export interface RunAt {
  runId: string;
  position: number;
  event: { type: string; data: unknown } | undefined;
  actors: Record<string, ActorAt>;
  outputs: Record<string, string | undefined>;
}

/**
 * Fold a run's events up to stream position P into the state value and context of every actor
 * (time travel: nothing is executed).
 * @example
 * ```ts
 * const at = runAt(events, 12); at.actors.writer.state; // 'working'
 * ```
 */
export function runAt(events: readonly RecordedEvent[], position: number): RunAt {
  const upTo = (events as readonly AigenEvent[]).filter((e) => e.streamPosition <= position);
  const actors: Record<string, ActorAt> = {};
  const actor = (id: string): ActorAt => (actors[id] ??= { machine: undefined, state: 'idle', context: {} });
  for (const e of upTo) {
    const id = e.metadata.actorId;
    switch (e.type) {
      case 'Transitioned':
        Object.assign(actor(e.data.actorId), { machine: e.data.machine, state: e.data.to });
        break;
      case 'TaskSent':
        if (id) actor(id).context = { stepId: e.data.stepId, attempt: e.data.attempt, input: e.data.input };
        break;
      case 'StepCompleted':
        if (id) Object.assign(actor(id).context, { output: e.data.output });
        break;
      case 'StepFailed':
        if (id) Object.assign(actor(id).context, { error: e.data.error });
        break;
      default:
        break;
    }
  }
  const context = Context.fromEvents(upTo);
  const last = upTo[upTo.length - 1];
  return {
    runId: (upTo[0]?.data as { runId?: string } | undefined)?.runId ?? '',
    position,
    event: last ? { type: last.type, data: last.data } : undefined,
    actors,
    outputs: Object.fromEntries(context.agentIds().map((a) => [a, context.getOutput(a)])),
  };
}
