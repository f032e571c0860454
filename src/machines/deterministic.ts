import type { AnyStateMachine } from 'xstate';
import { ValidationError } from '../errors.js';
import { WorkflowError } from './errors.js';
import {
  finalStates,
  initialContext,
  invokeStep,
  outcomeOf,
  stepKey,
  update,
  Workflow,
  workflowMachine,
  workflowOutput,
  type BuildContext,
  type MachineConfig,
  type Step,
  type WorkflowInput,
} from './workflow.js';

/** Options of {@link DeterministicWorkflow}. */
export interface DeterministicWorkflowOptions {
  agents: Step[];
  name: string;
}

/** The seed's framing of the next agent's input: previous output plus the original request. */
export function frameNext(previousId: string, output: string, original: string, nextId: string): string {
  return `Previous agent '${previousId}' output:\n${output}\n\nOriginal request: ${original}\n\nNow you (${nextId}) should continue processing based on this.`;
}

/**
 * Sequential execution: step i's output feeds step i+1. If the first step fails (after its
 * retries) the run fails with a WorkflowError; if a later one fails the run completes with the
 * best content so far, `partial: true`.
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
  private readonly agentSteps: Step[];

  constructor(options: DeterministicWorkflowOptions) {
    super(options.name);
    if (options.agents.length === 0) throw new ValidationError(`workflow '${options.name}' has no agents`, { path: 'agents' });
    this.agentSteps = options.agents;
  }

  steps(): Step[] {
    return this.agentSteps;
  }

  build(ctx: BuildContext): AnyStateMachine {
    const keys = this.agentSteps.map((s, i) => `${stepKey(s)}${this.agentSteps.findIndex((o) => stepKey(o) === stepKey(s)) === i ? '' : `_${i}`}`);
    const states: MachineConfig = {};
    this.agentSteps.forEach((step, i) => {
      const key = keys[i]!;
      const nextKey = keys[i + 1];
      states[key] = {
        invoke: {
          ...invokeStep(ctx, step, key, (c) =>
            i === 0 ? c.input : frameNext(keys[i - 1]!, c.last ?? '', c.original, key),
          ),
          onDone: [
            {
              guard: ({ event }: { event: unknown }) => outcomeOf(event).ok,
              target: nextKey ?? 'completed',
              actions: update((c, e) => ({ last: outcomeOf(e).text, outputs: { ...c.outputs, [key]: outcomeOf(e).text } })),
            },
            {
              guard: () => i === 0,
              target: 'failed',
              actions: update((_, e) => {
                const err = new WorkflowError(`Initial agent ${key} failed: ${outcomeOf(e).error?.message ?? 'unknown error'}`, this.name);
                return { error: { code: err.code, message: err.message, name: err.name } };
              }),
            },
            { target: 'partial', actions: update((_, e) => ({ error: outcomeOf(e).error })) },
          ],
        },
      };
    });
    return workflowMachine({
      id: this.name,
      initial: keys[0],
      context: ({ input }: { input: WorkflowInput }) => initialContext(input),
      states: { ...states, ...finalStates() },
      output: ({ context }: { context: Parameters<typeof workflowOutput>[0] }) => workflowOutput(context),
    });
  }
}
