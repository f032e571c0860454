/**
 * Pieces for the runtime bench's `--breakdown` rows: aigen with parts of its machinery taken
 * away, so that the difference between two rows is the cost of one part. They reach into
 * src/ internals on purpose (bench code, never shipped).
 */
import { Agent, type Model, type Runner } from '@openai/agents';
import { NEVER, type Observable } from 'rxjs';
import { createActor, toPromise } from 'xstate';
import { aigenCodec } from '../../src/events/codec.js';
import type { NewEvent, RecordedEvent } from '../../src/events/envelope.js';
import type { RunServices, Workflow } from '../../src/machines/workflow.js';
import type { StepOutcome } from '../../src/actors/outcome.js';
import type { AppendOptions, AppendResult, EventStore } from '../../src/store/eventStore.js';
import { noWaits } from '../../src/journal/waits.js';

/**
 * An event store that keeps nothing: `append` checks the expected version and answers at once
 * (no group commit, no I/O). With `encode`, each event still goes through the codec (zod
 * validation and JSON serialisation) as a real store would.
 */
export class NullStore implements EventStore {
  readonly kind = 'null';
  private readonly versions = new Map<string, number>();
  private position = 0;

  constructor(private readonly encode: boolean) {}

  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    if (this.encode) for (const e of events) aigenCodec.encode(e);
    const actual = this.versions.get(streamId) ?? -1;
    const expected = options?.expectedVersion ?? 'any';
    if (typeof expected === 'number' && expected !== actual) {
      return Promise.reject(new Error(`null store: ${streamId} is at ${actual}, not ${expected}`));
    }
    const next = actual + events.length;
    this.versions.set(streamId, next);
    return Promise.resolve({ nextExpectedVersion: next, positions: events.map(() => String(++this.position)) });
  }

  readStream(): AsyncIterable<RecordedEvent> {
    return (async function* () {})();
  }

  readAll(): AsyncIterable<RecordedEvent> {
    return (async function* () {})();
  }

  streamVersion(streamId: string): Promise<number | undefined> {
    return Promise.resolve(this.versions.get(streamId));
  }

  /** Nothing is ever delivered (the engine's cancellation watch subscribes, and hears nothing). */
  subscribe(): Observable<RecordedEvent> {
    return NEVER;
  }

  headPosition(): Promise<string | undefined> {
    return Promise.resolve(this.position === 0 ? undefined : String(this.position));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * aigen's own workflow machine (workflow statechart + one agent actor per step, as the engine
 * builds it) with a step runner that only builds the SDK agent and calls the Runner: no
 * recorder, no RecordingModel, no inspection, no store, no trace.
 */
export function unrecordedMachineRunner(
  workflow: Workflow,
  runner: Runner,
  model: (agentId: string) => Model,
): (input: string) => Promise<StepOutcome> {
  return async (input) => {
    let seq = 0;
    const services: RunServices = {
      runStep: async (task, signal) => {
        const sdk = new Agent({ name: task.agent.agentId, instructions: task.agent.instructions, model: model(task.agent.agentId) });
        const r = await runner.run(sdk, task.input, { signal, maxTurns: 80 });
        const text = typeof r.finalOutput === 'string' ? r.finalOutput : JSON.stringify(r.finalOutput ?? null);
        return { ok: true, stepId: task.stepId, text, output: text };
      },
      nextStepId: (agentId) => `${++seq}-${agentId}`,
      recordBranch: () => Promise.resolve(),
      runChild: () => Promise.reject(new Error('no child runs in this bench')),
      waits: noWaits,
      maxTurns: 80,
    };
    const actor = createActor(workflow.machine({ services, prefix: '' }), { input: { input, services } });
    const done = toPromise(actor);
    actor.start();
    return (await done) as StepOutcome;
  };
}
