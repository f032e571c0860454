import type { AgentInputItem } from '@openai/agents';
import { assign, setup, type AnyActorLogic, type DoneActorEvent } from 'xstate';
import { AigenAgent } from '../actors/agent.js';
import { agentMachine, type AgentActorInput } from '../actors/agentMachine.js';
import type { StepOutcome } from '../actors/outcome.js';
import type { ErrorInfo } from '../events/common.js';
import { waitingActors } from './waitingSteps.js';
import { inputText, type BuildContext, type Step, type WorkflowContext, type WorkflowInput, type WorkflowStatus } from './workflow.js';

/** Initial context of a workflow machine. */
export function initialContext(input: WorkflowInput): WorkflowContext {
  return {
    services: input.services,
    original: inputText(input.input),
    input: input.input,
    outputs: {},
    last: undefined,
    structured: undefined,
    error: undefined,
    status: undefined,
    turns: 0,
    iteration: 0,
    branch: undefined,
    stepId: undefined,
    branchOutcomes: {},
  };
}

/** The outcome a workflow machine reports to its parent (or the engine). */
export function workflowOutput(context: WorkflowContext): StepOutcome {
  const ok = context.status !== 'failed';
  return {
    ok,
    text: context.last ?? '',
    // A structured output (an agent's outputType) is the result as the parsed value, while it is the latest.
    output: context.structured && context.structured.text === context.last ? context.structured.value : (context.last ?? null),
    partial: context.status === 'partial',
    ...(context.error ? { error: context.error } : {}),
  };
}

/**
 * The outcome a step reported, from its done event. Every step logic a workflow invokes (the
 * agent actor, a nested workflow machine, a child run) has {@link StepOutcome} as its output.
 */
export function outcomeOf(event: DoneActorEvent<unknown>): StepOutcome {
  return event.output as StepOutcome;
}

/** An error of the workflow itself (not of a step), as recorded in its output. */
export function errorInfo(err: { code: string; message: string; name: string }): ErrorInfo {
  return { code: err.code, message: err.message, name: err.name };
}

/**
 * Steps are invoked with their logic inline (an agent actor, a nested workflow machine, a
 * promise), each under the actor id its recorded transitions carry. Only the waiting steps'
 * actors are registered by name (`approval`, `signal`, `sleep`), so the drawn statechart names
 * what a waiting state waits for. Declaring the actors as a string-keyed map is what lets an
 * invoke name its logic inline.
 */
const stepActors: Record<string, AnyActorLogic> = { ...waitingActors };

/**
 * The typed base of every workflow kind: its context, input and output, and the guards and
 * actions the kinds share. A kind adds its own named guards and actions with
 * `workflowSetup.extend({ guards, actions })` and builds its states with that setup's
 * `createStateConfig` and its machine with `createMachine`. Guards and actions take what they
 * need as typed params, read from the step's done event where they are used.
 * @example
 * ```ts
 * const mySetup = workflowSetup.extend({ guards: { short: (_, outcome: StepOutcome) => outcome.text.length < 100 } });
 * ```
 */
export const workflowSetup = setup({
  types: {
    context: {} as WorkflowContext,
    input: {} as WorkflowInput,
    output: {} as StepOutcome,
  },
  actors: stepActors,
  guards: {
    /** The step ended without a result (after its retries). */
    stepFailed: (_, outcome: StepOutcome) => !outcome.ok,
    /** The step produced its result. */
    stepSucceeded: (_, outcome: StepOutcome) => outcome.ok,
    /** The step (a nested workflow) completed with partial content. */
    stepPartial: (_, outcome: StepOutcome) => outcome.partial === true,
  },
  actions: {
    /** Set the status the workflow ends with. */
    setStatus: assign((_, status: WorkflowStatus) => ({ status })),
    /** Keep an error (a failed step's, or the workflow's own) for the workflow's output. */
    keepError: assign((_, error: ErrorInfo | undefined) => ({ error })),
    /** Keep a step's text as the latest result (and its structured output), and under `key` among the outputs when given. */
    keepResult: assign(({ context }, p: { text: string; key?: string; output?: unknown }) => ({
      last: p.text,
      // Without an output (a step that waits), the structured output stays: an approval passes its text on unchanged.
      structured: p.output === undefined ? context.structured : p.output !== null && typeof p.output !== 'string' ? { text: p.text, value: p.output } : undefined,
      ...(p.key === undefined ? {} : { outputs: { ...context.outputs, [p.key]: p.text } }),
    })),
  },
});

/**
 * The final states a workflow machine ends in; each sets `status` on entry. Pass
 * `{ partial: false }` when the machine never ends with part of its content, so its statechart
 * shows no state it can never reach.
 * @example
 * ```ts
 * createMachine({ initial: 'work', states: { work: { … }, ...finalStates({ partial: false }) } });
 * ```
 */
export function finalStates(options: { partial?: boolean } = {}) {
  const final = (status: WorkflowStatus) => workflowSetup.createStateConfig({ type: 'final', entry: { type: 'setStatus', params: status } });
  return { completed: final('completed'), ...(options.partial !== false ? { partial: final('partial') } : {}), failed: final('failed') };
}

/** The transition every step's onDone tries first: a failed step fails the workflow, keeping its error. */
export function failWhenStepFails() {
  return {
    guard: { type: 'stepFailed', params: ({ event }: { event: DoneActorEvent<unknown> }) => outcomeOf(event) },
    target: 'failed',
    actions: { type: 'keepError', params: ({ event }: { event: DoneActorEvent<unknown> }) => outcomeOf(event).error },
  } as const;
}

/** How a workflow invokes one step: the actor id, the logic it runs and the input it gets. */
export interface StepInvocation {
  id: string;
  src: AnyActorLogic;
  input: (args: { context: WorkflowContext }) => AgentActorInput | WorkflowInput;
}

/**
 * The invoke config that runs one step: an agent actor (input = a task and the run's step
 * runner) or a nested workflow machine (input = its input and the run's services). Both report a
 * {@link StepOutcome} as their output. The run's services come from the context, never from
 * `ctx.services`, so the machine can serve every run.
 */
export function invokeStep(ctx: BuildContext, step: Step, key: string, input: (context: WorkflowContext) => string | AgentInputItem[]): StepInvocation {
  const id = `${ctx.prefix}${key}`;
  if (step instanceof AigenAgent) {
    return {
      id,
      src: agentMachine,
      input: ({ context }) => ({
        agent: step,
        actorId: id,
        stepId: context.services.nextStepId(step.agentId),
        input: input(context),
        runStep: context.services.runStep,
      }),
    };
  }
  return {
    id,
    src: step.machine({ services: ctx.services, prefix: `${id}/` }),
    input: ({ context }) => ({ input: input(context), services: context.services }),
  };
}
