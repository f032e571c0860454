import type { AgentInputItem } from '@openai/agents';
import type { AnyStateMachine } from 'xstate';
import { AigenAgent, toAigenAgent } from '../actors/agent.js';
import { exportDefinition, type WorkflowDefinition } from './definition.js';
import type { AnySdkAgent } from '../actors/sdkFields.js';
import { ValidationError } from '../errors.js';
import type { StepRunner } from '../actors/agentMachine.js';
import type { WorkflowSource } from '../events/catalogue.js';
import type { ErrorInfo } from '../events/common.js';
import type { StepOutcome } from '../actors/outcome.js';
import type { Waits } from '../journal/waits.js';

/**
 * What a workflow machine needs from the run executing it. It reaches the machine through the
 * machine's input (`WorkflowInput.services`, kept in the context), so one machine per workflow
 * serves every run.
 */
export interface RunServices {
  /** Runs one attempt of an agent step and records it. */
  runStep: StepRunner;
  /** A new step id, unique and deterministic within the run. */
  nextStepId(agentId: string): string;
  /** Record a branch decision durably (write-ahead) before the workflow acts on it. */
  recordBranch(stepId: string, branch: string, reason: string): Promise<void>;
  /** Run a workflow as a child run with its own stream, linked by parentRunId. */
  runChild(workflow: Workflow, branch: string, input: string, signal: AbortSignal): Promise<StepOutcome>;
  /** Approvals, signals and durable sleeps: each is answered from the run's log or parks the run. */
  waits: Waits;
  maxTurns: number;
}

/**
 * Where a workflow machine is built: the id prefix of its actors, and the services of the run it
 * is built for. A kind that reads the run's services only from its context (`context.services`,
 * as {@link invokeStep} does) declares `sharesMachine`; it is then built once per prefix and
 * `services` refuses every use at build time.
 */
export interface BuildContext {
  services: RunServices;
  prefix: string;
}

/** A step of a workflow: an agent, or a whole workflow (nesting). */
export type Step = AigenAgent | Workflow;

/** What a workflow's options take as a step: a step, or an SDK `Agent` (run as {@link AigenAgent.fromSdk} builds it). */
export type StepInput = Step | AnySdkAgent;

/** The step an option names: an SDK `Agent` becomes an agent of the workflow; anything else stays. */
export function toStep(step: StepInput): Step {
  return step instanceof Workflow ? step : toAigenAgent(step);
}

/** What every workflow machine is started with: its input and the services of its run. */
export interface WorkflowInput {
  input: string | AgentInputItem[];
  services: RunServices;
}

/** The context shared by the workflow machines. */
export interface WorkflowContext {
  /** The services of the run (from the input). */
  services: RunServices;
  original: string;
  input: string | AgentInputItem[];
  outputs: Record<string, string>;
  last: string | undefined;
  /** The structured output (an agent's `outputType`) whose JSON text `text` was kept as `last`. */
  structured: { text: string; value: unknown } | undefined;
  error: ErrorInfo | undefined;
  status: 'completed' | 'partial' | 'failed' | undefined;
  turns: number;
  iteration: number;
  branch: string | undefined;
  stepId: string | undefined;
  /** Outcomes of steps that run side by side (parallel branches), by branch name. */
  branchOutcomes: Record<string, StepOutcome>;
}

/** The status a workflow machine ends with (set on entry to its final state). */
export type WorkflowStatus = NonNullable<WorkflowContext['status']>;

/** The text of a workflow input (the first user message of a conversation). */
export function inputText(input: string | AgentInputItem[]): string {
  if (typeof input === 'string') return input;
  for (const item of input) {
    const m = item as { role?: string; content?: unknown };
    if (m.role === 'user') return typeof m.content === 'string' ? m.content : JSON.stringify(m.content);
  }
  return '';
}

/**
 * A workflow: a statechart that sends tasks to agent actors. Subclasses build its XState
 * machine; `definition` exports it as drawable JSON.
 */
export abstract class Workflow {
  abstract readonly kind: string;
  readonly version: string = '1';
  /** Retry options a workflow file asks for (`retry:`); the engine's options apply where unset. */
  retryPolicy?: { maxRetries?: number | undefined; retryDelayMs?: number | undefined };
  /**
   * What the workflow was built from when it is not a registered workflow (a list of agent
   * types, a workflow file's text). Recorded in RunStarted, so resume, replay and fork rebuild it.
   */
  source?: WorkflowSource;
  /** Most runs of this workflow executing at once across all workers (a workflow file's `concurrency:`). */
  concurrency?: number | undefined;
  /**
   * True when `build` reads the run's services only from the machine's context: one machine
   * per prefix then serves every run of this workflow (the built-in kinds). Otherwise the
   * machine is built for each run with that run's services.
   */
  protected readonly sharesMachine: boolean = false;
  private readonly shared = new Map<string, AnyStateMachine>();
  /** The exported definition of each machine of this workflow (a shared machine is exported once). */
  private readonly definitions = new WeakMap<AnyStateMachine, WorkflowDefinition>();
  readonly name: string;
  constructor(name: string | undefined) {
    if (typeof name !== 'string' || name.trim() === '') {
      throw new ValidationError(`a workflow needs a name: pass { name: 'my_workflow', … } to its constructor (got ${String(name)})`, { path: 'name' });
    }
    this.name = name;
  }
  /** Build the workflow's XState machine (for one run, unless the kind {@link sharesMachine}). */
  abstract build(ctx: BuildContext): AnyStateMachine;
  /** The machine a run of this workflow runs: the shared one when the kind shares it, else a new one. */
  machine(ctx: BuildContext): AnyStateMachine {
    if (!this.machineIsShared()) return this.build(ctx);
    let machine = this.shared.get(ctx.prefix);
    if (!machine) this.shared.set(ctx.prefix, (machine = this.build({ services: servicesFromContextOnly, prefix: ctx.prefix })));
    return machine;
  }
  /**
   * The drawable definition of `machine` (one of this workflow's), exported once per machine: a
   * machine every run shares is exported once. The result is shared; treat it as read-only.
   */
  definition(machine: AnyStateMachine): WorkflowDefinition {
    let definition = this.definitions.get(machine);
    if (!definition) this.definitions.set(machine, (definition = exportDefinition(machine)));
    return definition;
  }
  /** Whether one machine serves every run: the kind shares it, and so does every nested workflow. */
  private machineIsShared(): boolean {
    return this.sharesMachine && this.steps().every((s) => !(s instanceof Workflow) || s.machineIsShared());
  }
  /** The direct steps of this workflow. */
  abstract steps(): Step[];
  /** Every agent of this workflow and its nested workflows. */
  agents(): AigenAgent[] {
    return this.steps().flatMap((s) => (s instanceof AigenAgent ? [s] : s.agents()));
  }
}

/** What a shared machine is built with: using it at build time is a bug of the kind, caught at once. */
const servicesFromContextOnly: RunServices = new Proxy({} as RunServices, {
  get: (_, key) => {
    throw new Error(`a workflow kind that shares its machine read services.${String(key)} at build time; read context.services instead`);
  },
});

/** The key a step has in its workflow's states (its agent id or workflow name). */
export function stepKey(step: Step): string {
  return step instanceof AigenAgent ? step.agentId : step.name;
}
