import type { AgentInputItem } from '@openai/agents';
import { assign, createMachine, type AnyStateMachine } from 'xstate';
import { AigenAgent } from '../actors/agent.js';
import type { AgentMachine } from '../actors/agentMachine.js';
import type { ErrorInfo } from '../events/common.js';
import type { StepOutcome } from '../actors/outcome.js';

/** What a workflow machine needs from the run executing it. */
export interface RunServices {
  agentMachine: AgentMachine;
  /** A new step id, unique and deterministic within the run. */
  nextStepId(agentId: string): string;
  /** Record a branch decision durably (write-ahead) before the workflow acts on it. */
  recordBranch(stepId: string, branch: string, reason: string): Promise<void>;
  /** Run a workflow as a child run with its own stream, linked by parentRunId. */
  runChild(workflow: Workflow, branch: string, input: string, signal: AbortSignal): Promise<StepOutcome>;
  maxTurns: number;
}

/** Where a workflow machine is built: the run's services and the id prefix of its actors. */
export interface BuildContext {
  services: RunServices;
  prefix: string;
}

/** A step of a workflow: an agent, or a whole workflow (nesting). */
export type Step = AigenAgent | Workflow;

/** What every workflow machine is started with. */
export interface WorkflowInput {
  input: string | AgentInputItem[];
}

/** The context shared by the workflow machines. */
export interface WorkflowContext {
  original: string;
  input: string | AgentInputItem[];
  outputs: Record<string, string>;
  last: string | undefined;
  error: ErrorInfo | undefined;
  status: 'completed' | 'partial' | 'failed' | undefined;
  turns: number;
  iteration: number;
  branch: string | undefined;
  stepId: string | undefined;
}

/** The text of a workflow input (the first user message of a conversation). */
export function inputText(input: string | AgentInputItem[]): string {
  if (typeof input === 'string') return input;
  for (const item of input) {
    const m = item as { role?: string; content?: unknown };
    if (m.role === 'user') return typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
  }
  return '';
}

/** Initial context of a workflow machine. */
export function initialContext(input: WorkflowInput): WorkflowContext {
  return {
    original: inputText(input.input),
    input: input.input,
    outputs: {},
    last: undefined,
    error: undefined,
    status: undefined,
    turns: 0,
    iteration: 0,
    branch: undefined,
    stepId: undefined,
  };
}

/** The outcome a workflow machine reports to its parent (or the engine). */
export function workflowOutput(context: WorkflowContext): StepOutcome {
  const ok = context.status !== 'failed';
  return {
    ok,
    text: context.last ?? '',
    output: context.last ?? null,
    partial: context.status === 'partial',
    ...(context.error ? { error: context.error } : {}),
  };
}

/**
 * A workflow: a statechart that sends tasks to agent actors. Subclasses build their XState
 * machine per run; `definition` exports it as drawable JSON.
 */
export abstract class Workflow {
  abstract readonly kind: string;
  readonly version: string = '1';
  /** Retry options a workflow file asks for (`retry:`); the engine's options apply where unset. */
  retryPolicy?: { maxRetries?: number | undefined; retryDelayMs?: number | undefined };
  constructor(readonly name: string) {}
  /** Build the workflow's XState machine for one run. */
  abstract build(ctx: BuildContext): AnyStateMachine;
  /** The direct steps of this workflow. */
  abstract steps(): Step[];
  /** Every agent of this workflow and its nested workflows. */
  agents(): AigenAgent[] {
    return this.steps().flatMap((s) => (s instanceof AigenAgent ? [s] : s.agents()));
  }
}

/** Loose machine config: the machines are generated, so typing is enforced at their edges. */
export type MachineConfig = Record<string, unknown>;

/** Create a workflow machine from a generated config. */
export function workflowMachine(config: MachineConfig): AnyStateMachine {
  return createMachine(config as Parameters<typeof createMachine>[0]) as AnyStateMachine;
}

/** The key a step has in its workflow's states (its agent id or workflow name). */
export function stepKey(step: Step): string {
  return step instanceof AigenAgent ? step.agentId : step.name;
}

type Ctx = { context: WorkflowContext };

/**
 * The invoke config that runs one step: an agent actor (input = a task) or a nested workflow
 * machine. Both report a {@link StepOutcome} as their output.
 */
export function invokeStep(
  ctx: BuildContext,
  step: Step,
  key: string,
  input: (context: WorkflowContext) => string | AgentInputItem[],
): MachineConfig {
  const id = `${ctx.prefix}${key}`;
  if (step instanceof AigenAgent) {
    return {
      id,
      src: ctx.services.agentMachine,
      input: ({ context }: Ctx) => ({
        agent: step,
        actorId: id,
        stepId: ctx.services.nextStepId(step.agentId),
        input: input(context),
      }),
    };
  }
  return {
    id,
    src: step.build({ services: ctx.services, prefix: `${id}/` }),
    input: ({ context }: Ctx): WorkflowInput => ({ input: input(context) }),
  };
}

/** `event.output` of a done event, as a StepOutcome. */
export function outcomeOf(event: unknown): StepOutcome {
  return (event as { output: StepOutcome }).output;
}

const setStatus = (status: WorkflowContext['status']) => assign({ status: () => status });

/** The three final states every workflow machine ends in; each sets `status` on entry. */
export function finalStates(): MachineConfig {
  return {
    completed: { type: 'final', entry: setStatus('completed') },
    partial: { type: 'final', entry: setStatus('partial') },
    failed: { type: 'final', entry: setStatus('failed') },
  };
}

/** The transition every step's onDone tries first: a failed step fails the workflow, keeping its error. */
export function failWhenStepFails(): MachineConfig {
  return { guard: ({ event }: { event: unknown }) => !outcomeOf(event).ok, target: 'failed', actions: update((_, e) => ({ error: outcomeOf(e).error })) };
}

/** An assign action over the workflow context. */
export function update(fn: (context: WorkflowContext, event: unknown) => Partial<WorkflowContext>) {
  return assign(({ context, event }: { context: WorkflowContext; event: unknown }) => fn(context, event));
}
