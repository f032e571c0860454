import { fromPromise, type AnyStateMachine } from 'xstate';
import { AigenAgent } from '../actors/agent.js';
import { ValidationError } from '../errors.js';
import type { StepOutcome } from '../actors/outcome.js';
import { DeterministicWorkflow } from './deterministic.js';
import {
  failWhenStepFails,
  finalStates,
  initialContext,
  invokeStep,
  outcomeOf,
  update,
  Workflow,
  workflowMachine,
  workflowOutput,
  type BuildContext,
  type MachineConfig,
  type Step,
  type WorkflowContext,
  type WorkflowInput,
} from './workflow.js';

/** Options of {@link ParallelWorkflow}. */
export interface ParallelWorkflowOptions {
  name: string;
  /** Branch name → the workflow (or single agent) it runs as a child run. */
  branches: Record<string, Step>;
  /** Combines the branches' results. */
  aggregator: AigenAgent;
}

const ERROR_MARK = '\u0000error:';

/**
 * The seed's aggregator input: the original request, then one "NAME VERSION:" block per branch,
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
  private readonly branches: Record<string, Workflow>;
  private readonly aggregator: AigenAgent;

  constructor(options: ParallelWorkflowOptions) {
    super(options.name);
    const entries = Object.entries(options.branches);
    if (entries.length === 0) throw new ValidationError(`workflow '${options.name}' has no branches`, { path: 'branches' });
    this.branches = Object.fromEntries(
      entries.map(([name, step]) => [name, step instanceof AigenAgent ? new DeterministicWorkflow({ agents: [step], name }) : step]),
    );
    this.aggregator = options.aggregator;
  }

  steps(): Step[] {
    return [...Object.values(this.branches), this.aggregator];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const names = Object.keys(this.branches);
    const regions: MachineConfig = {};
    for (const name of names) {
      const workflow = this.branches[name]!;
      const child = fromPromise<StepOutcome, { input: string }>(({ input, signal }) => ctx.services.runChild(workflow, name, input.input, signal));
      regions[name] = {
        initial: 'running',
        states: {
          running: {
            invoke: {
              id: `${ctx.prefix}${name}`,
              src: child,
              input: ({ context }: { context: WorkflowContext }) => ({ input: context.original }),
              onDone: {
                target: 'done',
                actions: update((c, e) => {
                  const o = outcomeOf(e);
                  return { outputs: { ...c.outputs, [name]: o.ok ? o.text : `${ERROR_MARK}${o.error?.message ?? 'unknown error'}` } };
                }),
              },
              onError: {
                target: 'done',
                actions: update((c, e) => ({ outputs: { ...c.outputs, [name]: `${ERROR_MARK}${String((e as { error: unknown }).error)}` } })),
              },
            },
          },
          done: { type: 'final' },
        },
      };
    }
    const combined = (c: WorkflowContext) =>
      aggregationInput(
        c.original,
        names.map((n) => {
          const v = c.outputs[n] ?? `${ERROR_MARK}no result`;
          return [n, v.startsWith(ERROR_MARK) ? { ok: false, text: '', error: { message: v.slice(ERROR_MARK.length) } } : { ok: true, text: v }];
        }),
      );
    return workflowMachine({
      id: this.name,
      initial: 'branches',
      context: ({ input }: { input: WorkflowInput }) => initialContext(input),
      states: {
        branches: { type: 'parallel', states: regions, onDone: 'aggregate' },
        aggregate: {
          invoke: {
            ...invokeStep(ctx, this.aggregator, this.aggregator.agentId, combined),
            onDone: [
              failWhenStepFails(),
              { target: 'completed', actions: update((_, e) => ({ last: outcomeOf(e).text })) },
            ],
          },
        },
        ...finalStates(),
      },
      output: ({ context }: { context: WorkflowContext }) => workflowOutput(context),
    });
  }
}
