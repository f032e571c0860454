import { fromPromise, type AnyStateMachine } from 'xstate';
import type { AigenAgent } from '../actors/agent.js';
import { ValidationError } from '../errors.js';
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

/** Picks a branch from the classifier's answer. */
export type BranchExtractor = (classification: string, branches: readonly string[]) => { branch: string; reason: string };

/**
 * The seed's rule: "technical" in the answer → technical, else "creative" → creative, else
 * general (or the last branch when there is no `general`).
 * @example
 * ```ts
 * extractContentType('Classification: technical', ['technical', 'creative', 'general']).branch; // 'technical'
 * ```
 */
export const extractContentType: BranchExtractor = (classification, branches) => {
  const text = classification.toLowerCase();
  for (const b of branches) {
    if (b !== 'general' && text.includes(b.toLowerCase())) return { branch: b, reason: `classifier answer mentions '${b}'` };
  }
  const fallback = branches.includes('general') ? 'general' : branches[branches.length - 1]!;
  return { branch: fallback, reason: `no other branch named in the classifier answer; using '${fallback}'` };
};

/** Options of {@link BranchingWorkflow}. */
export interface BranchingWorkflowOptions {
  name: string;
  classifier: AigenAgent;
  /** Branch name → the step (agent or workflow) that runs when it is taken. */
  branches: Record<string, Step>;
  extract?: BranchExtractor;
}

/**
 * Classify, then take a path: the classifier agent's answer picks a branch (BranchTaken is
 * durable before the branch starts), then that branch's workflow runs on the original input.
 * @example
 * ```ts
 * new BranchingWorkflow({ name: 'content_router', classifier: createAgent('strategy'),
 *   branches: { technical: techFlow, creative: creativeFlow, general: createWorkflow('content_generation') } });
 * ```
 */
export class BranchingWorkflow extends Workflow {
  readonly kind = 'branching';
  private readonly options: BranchingWorkflowOptions;

  constructor(options: BranchingWorkflowOptions) {
    super(options.name);
    if (Object.keys(options.branches).length === 0) throw new ValidationError(`workflow '${options.name}' has no branches`, { path: 'branches' });
    for (const b of Object.keys(options.branches)) {
      if (['classify', 'deciding', 'completed', 'partial', 'failed'].includes(b)) {
        throw new ValidationError(`branch name '${b}' is reserved`, { path: `branches.${b}` });
      }
    }
    this.options = options;
  }

  steps(): Step[] {
    return [this.options.classifier, ...Object.values(this.options.branches)];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const names = Object.keys(this.options.branches);
    const extract = this.options.extract ?? extractContentType;
    const decide = fromPromise<string, { stepId: string; classification: string }>(async ({ input }) => {
      const { branch, reason } = extract(input.classification, names);
      if (!names.includes(branch)) throw new Error(`branch extractor chose '${branch}', not one of ${names.join(', ')}`);
      await ctx.services.recordBranch(input.stepId, branch, reason);
      return branch;
    });
    const branchStates: MachineConfig = {};
    for (const name of names) {
      branchStates[name] = {
        invoke: {
          ...invokeStep(ctx, this.options.branches[name]!, name, (c) => c.original),
          onDone: [
            failWhenStepFails(),
            { guard: ({ event }: { event: unknown }) => outcomeOf(event).partial === true, target: 'partial', actions: update((_, e) => ({ last: outcomeOf(e).text, error: outcomeOf(e).error })) },
            { target: 'completed', actions: update((_, e) => ({ last: outcomeOf(e).text })) },
          ],
        },
      };
    }
    return workflowMachine({
      id: this.name,
      initial: 'classify',
      context: ({ input }: { input: WorkflowInput }) => initialContext(input),
      states: {
        classify: {
          invoke: {
            ...invokeStep(ctx, this.options.classifier, this.options.classifier.agentId, (c) => c.original),
            onDone: [
              failWhenStepFails(),
              { target: 'deciding', actions: update((_, e) => ({ last: outcomeOf(e).text, stepId: outcomeOf(e).stepId })) },
            ],
          },
        },
        deciding: {
          invoke: {
            id: `${ctx.prefix}decide`,
            src: decide,
            input: ({ context }: { context: WorkflowContext }) => ({ stepId: context.stepId ?? 'branch', classification: context.last ?? '' }),
            onDone: names.map((name) => ({
              guard: ({ event }: { event: unknown }) => (event as { output: string }).output === name,
              target: name,
              actions: update(() => ({ branch: name })),
            })),
            onError: { target: 'failed', actions: update((_, e) => ({ error: { code: 'BRANCH_FAILED', message: String((e as { error: unknown }).error) } })) },
          },
        },
        ...branchStates,
        ...finalStates(),
      },
      output: ({ context }: { context: WorkflowContext }) => workflowOutput(context),
    });
  }
}
