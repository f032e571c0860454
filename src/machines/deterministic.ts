import { assign, type AnyStateMachine } from 'xstate';
import { ValidationError } from '../errors.js';
import { WorkflowError } from './errors.js';
import { errorInfo, finalStates, initialContext, invokeStep, outcomeOf, workflowOutput, workflowSetup } from './setup.js';
import { WaitingStep } from './waitingSteps.js';
import { stepKey, toStep, Workflow, type BuildContext, type Step, type StepInput } from './workflow.js';

/** The sequential kind's own guard and action. */
const sequentialSetup = workflowSetup.extend({
  actions: {
    /** The first step failed: the workflow fails with a WorkflowError naming it. */
    failFirstStep: assign((_, p: { workflow: string; key: string; error: string; waits: boolean }) => ({
      error: errorInfo(new WorkflowError(`Initial ${p.waits ? 'step' : 'agent'} ${p.key} failed: ${p.error}`, p.workflow)),
    })),
  },
});

/** Options of {@link DeterministicWorkflow}. */
export interface DeterministicWorkflowOptions {
  /** The steps in order: agents, workflows, and steps that wait (approval, signal, sleep). */
  agents: Array<StepInput | WaitingStep>;
  /**
   * The workflow's name (its id in the log, in `runs` and in the UI). A workflow without one is a
   * ValidationError; a registered factory's options carry the registered name, so `...opts` gives it.
   */
  name?: string;
}

/** The framing of the next agent's input: previous output plus the original request. */
export function frameNext(previousId: string, output: string, original: string, nextId: string): string {
  return `Previous agent '${previousId}' output:\n${output}\n\nOriginal request: ${original}\n\nNow you (${nextId}) should continue processing based on this.`;
}

/**
 * Sequential execution: step i's output feeds step i+1. If the first step fails (after its
 * retries) the run fails with a WorkflowError; if a later one fails the run completes with the
 * best content so far, `partial: true`. Between steps the run may wait ({@link WaitingStep}):
 * an approval passes the output on (or the approver's edit), a signal's payload replaces it, a
 * sleep passes it on when it is due.
 * @example
 * ```ts
 * const workflow = new DeterministicWorkflow({
 *   agents: [createAgent('research'), createAgent('writer'), createAgent('editor')],
 *   name: 'content_generation',
 * });
 * ```
 */
export class DeterministicWorkflow extends Workflow {
  readonly kind = 'sequential';
  protected override readonly sharesMachine = true;
  private readonly agentSteps: Array<Step | WaitingStep>;

  constructor(options: DeterministicWorkflowOptions) {
    super(options.name);
    if (options.agents.length === 0) throw new ValidationError(`workflow '${options.name}' has no agents`, { path: 'agents' });
    this.agentSteps = options.agents.map((s) => (s instanceof WaitingStep ? s : toStep(s)));
  }

  /** The agents and workflows among its steps (not the waiting ones). */
  steps(): Step[] {
    return this.agentSteps.filter((s): s is Step => !(s instanceof WaitingStep));
  }

  /** Every step in order, waiting ones included. */
  sequence(): Array<Step | WaitingStep> {
    return [...this.agentSteps];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const keyOf = (s: Step | WaitingStep) => (s instanceof WaitingStep ? s.name : stepKey(s));
    const keys = this.agentSteps.map((s, i) => `${keyOf(s)}${this.agentSteps.findIndex((o) => keyOf(o) === keyOf(s)) === i ? '' : `_${i}`}`);
    // The step whose output a step reads: the nearest one before it that is not an approval or
    // a sleep (those pass the output on). Without one, a step reads the run's input, or what an
    // approval of it made of it.
    const producer = (i: number) => this.agentSteps.slice(0, i).findLastIndex((s) => !(s instanceof WaitingStep) || s.produces);
    const states: Record<string, ReturnType<typeof sequentialSetup.createStateConfig>> = {};
    this.agentSteps.forEach((step, i) => {
      const key = keys[i]!;
      const nextKey = keys[i + 1];
      const from = producer(i);
      states[key] = sequentialSetup.createStateConfig({
        invoke: {
          ...(step instanceof WaitingStep
            ? step.invocation(ctx, key)
            : invokeStep(ctx, step, key, (c) => (from < 0 ? (c.last ?? c.input) : frameNext(keys[from]!, c.last ?? '', c.original, key)))),
          onDone: [
            {
              guard: { type: 'stepSucceeded', params: ({ event }) => outcomeOf(event) },
              target: nextKey ?? 'completed',
              actions: {
                type: 'keepResult',
                params: ({ event }) => ({ text: outcomeOf(event).text, ...(step instanceof WaitingStep ? {} : { output: outcomeOf(event).output }), key }),
              },
            },
            // The first step's failure fails the run; a later one's ends it with the content so far.
            i === 0
              ? {
                  target: 'failed',
                  actions: {
                    type: 'failFirstStep',
                    params: ({ event }) => ({ workflow: this.name, key, error: outcomeOf(event).error?.message ?? 'unknown error', waits: step instanceof WaitingStep }),
                  },
                }
              : { target: 'partial', actions: { type: 'keepError', params: ({ event }) => outcomeOf(event).error } },
          ],
        },
      });
    });
    return sequentialSetup.createMachine({
      id: this.name,
      initial: keys[0]!,
      context: ({ input }) => initialContext(input),
      states: { ...states, ...finalStates({ partial: this.agentSteps.length > 1 }) },
      output: ({ context }) => workflowOutput(context),
    });
  }
}
