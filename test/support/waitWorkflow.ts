import { assign, fromPromise, setup, type AnyStateMachine } from 'xstate';
import { Workflow, type BuildContext, type Step, type StepOutcome, type Waits } from '../../src/index.js';

/**
 * A workflow of one state that waits through the run's wait primitive (`wait` gets the run's
 * waits) and ends with what the wait gave, as text; a wait that throws ends the run failed.
 */
export class WaitWorkflow extends Workflow {
  readonly kind = 'wait_test';
  constructor(
    name: string,
    private readonly wait: (waits: Waits) => Promise<unknown>,
  ) {
    super(name);
  }

  steps(): Step[] {
    return [];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const waiting = fromPromise<StepOutcome>(async () => {
      try {
        const value = await this.wait(ctx.services.waits);
        const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
        return { ok: true, text, output: value ?? null };
      } catch (err) {
        const e = err as { code?: string; message: string };
        return { ok: false, text: '', output: null, error: { code: e.code ?? 'ERROR', message: e.message } };
      }
    });
    return setup({ types: { context: {} as { outcome: StepOutcome | undefined } }, actors: { waiting } }).createMachine({
      id: this.name,
      initial: 'waiting',
      context: { outcome: undefined },
      states: {
        waiting: { invoke: { src: 'waiting', onDone: { target: 'done', actions: assign({ outcome: ({ event }) => event.output }) } } },
        done: { type: 'final' },
      },
      output: ({ context }) => context.outcome,
    });
  }
}
