import { assign, fromPromise, type AnyStateMachine } from 'xstate';
import { AigenAgent, toAigenAgent } from '../actors/agent.js';
import type { AnySdkAgent } from '../actors/sdkFields.js';
import type { StepOutcome } from '../actors/outcome.js';
import { ValidationError } from '../errors.js';
import { DeterministicWorkflow } from './deterministic.js';
import { failWhenStepFails, finalStates, initialContext, invokeStep, outcomeOf, workflowOutput, workflowSetup } from './setup.js';
import { toStep, Workflow, type BuildContext, type RunServices, type Step, type StepInput, type WorkflowContext } from './workflow.js';

/** The parallel kind's own action. */
const parallelSetup = workflowSetup.extend({
  actions: {
    /** Keep how a branch (a child run) ended, for the aggregator. */
    keepBranchOutcome: assign(({ context }, p: { branch: string; outcome: StepOutcome }) => ({
      branchOutcomes: { ...context.branchOutcomes, [p.branch]: p.outcome },
    })),
  },
});

/** A branch whose child run could not even report an outcome (its promise rejected). */
function branchError(error: unknown): StepOutcome {
  return { ok: false, text: '', output: null, error: { code: 'BRANCH_FAILED', message: String(error) } };
}

/** Options of {@link ParallelWorkflow}. */
export interface ParallelWorkflowOptions {
  /**
   * The workflow's name (its id in the log, in `runs` and in the UI). A workflow without one is a
   * ValidationError; a registered factory's options carry the registered name, so `...opts` gives it.
   */
  name?: string;
  /** Branch name → the workflow (or single agent) it runs as a child run. */
  branches: Record<string, StepInput>;
  /** Combines the branches' results. */
  aggregator: AigenAgent | AnySdkAgent;
}

/**
 * The aggregator's input: the original request, then one "NAME VERSION:" block per branch,
 * a failed branch as "NAME VERSION: Error - <message>".
 * @example
 * ```ts
 * aggregationInput('Write about tides', [['technical', { ok: true, text: '…' }]]);
 * ```
 */
export function aggregationInput(original: string, results: Array<[string, { ok: boolean; text: string; error?: { message: string } }]>): string {
  let out = `Original request: ${original}\n\n`;
  for (const [name, r] of results) {
    out += r.ok
      ? `${name.toUpperCase()} VERSION:\n${r.text || 'No result'}\n\n`
      : `${name.toUpperCase()} VERSION: Error - ${r.error?.message ?? 'unknown error'}\n\n`;
  }
  return out;
}

/**
 * Branches run concurrently as child runs (each its own stream, linked by parentRunId), then an
 * aggregator agent combines their results.
 * @example
 * ```ts
 * new ParallelWorkflow({ name: 'multi_perspective', aggregator: createAgent('editor'),
 *   branches: { technical: techFlow, creative: creativeFlow, general: createWorkflow('content_generation') } });
 * ```
 */
export class ParallelWorkflow extends Workflow {
  readonly kind = 'parallel';
  protected override readonly sharesMachine = true;
  private readonly branches: Record<string, Workflow>;
  private readonly aggregator: AigenAgent;

  constructor(options: ParallelWorkflowOptions) {
    super(options.name);
    const entries = Object.entries(options.branches);
    if (entries.length === 0) throw new ValidationError(`workflow '${options.name}' has no branches`, { path: 'branches' });
    this.branches = Object.fromEntries(
      entries.map(([name, input]) => {
        const step = toStep(input);
        return [name, step instanceof AigenAgent ? new DeterministicWorkflow({ agents: [step], name }) : step];
      }),
    );
    this.aggregator = toAigenAgent(options.aggregator);
  }

  steps(): Step[] {
    return [...Object.values(this.branches), this.aggregator];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const names = Object.keys(this.branches);
    const regions: Record<string, ReturnType<typeof parallelSetup.createStateConfig>> = {};
    for (const name of names) {
      const workflow = this.branches[name]!;
      const child = fromPromise<StepOutcome, { input: string; services: RunServices }>(({ input, signal }) => input.services.runChild(workflow, name, input.input, signal));
      regions[name] = parallelSetup.createStateConfig({
        initial: 'running',
        states: {
          running: {
            invoke: {
              id: `${ctx.prefix}${name}`,
              src: child,
              input: ({ context }) => ({ input: context.original, services: context.services }),
              onDone: { target: 'done', actions: { type: 'keepBranchOutcome', params: ({ event }) => ({ branch: name, outcome: outcomeOf(event) }) } },
              onError: { target: 'done', actions: { type: 'keepBranchOutcome', params: ({ event }) => ({ branch: name, outcome: branchError(event.error) }) } },
            },
          },
          done: { type: 'final' },
        },
      });
    }
    const missing: StepOutcome = { ok: false, text: '', output: null, error: { code: 'BRANCH_FAILED', message: 'no result' } };
    const combined = (c: WorkflowContext) =>
      aggregationInput(
        c.original,
        names.map((n) => [n, c.branchOutcomes[n] ?? missing]),
      );
    return parallelSetup.createMachine({
      id: this.name,
      initial: 'branches',
      context: ({ input }) => initialContext(input),
      states: {
        branches: { type: 'parallel', states: regions, onDone: 'aggregate' },
        aggregate: {
          invoke: {
            ...invokeStep(ctx, this.aggregator, this.aggregator.agentId, combined),
            onDone: [failWhenStepFails(), { target: 'completed', actions: { type: 'keepResult', params: ({ event }) => ({ text: outcomeOf(event).text, output: outcomeOf(event).output }) } }],
          },
        },
        ...finalStates({ partial: false }),
      },
      output: ({ context }) => workflowOutput(context),
    });
  }
}
