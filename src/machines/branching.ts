import { assign, fromPromise, type AnyStateMachine, type DoneActorEvent, type ErrorActorEvent } from 'xstate';
import { toAigenAgent, type AigenAgent } from '../actors/agent.js';
import type { AnySdkAgent } from '../actors/sdkFields.js';
import { ValidationError } from '../errors.js';
import type { ErrorInfo } from '../events/common.js';
import { failWhenStepFails, finalStates, initialContext, invokeStep, outcomeOf, workflowOutput, workflowSetup } from './setup.js';
import { toStep, type BuildContext, type RunServices, type Step, type StepInput } from './workflow.js';
import { Workflow } from './workflow.js';

/** The branch a decision chose, from the decision's done event. */
function chosenBranch(event: DoneActorEvent<unknown>): string | undefined {
  return typeof event.output === 'string' ? event.output : undefined;
}

/** The branching kind's own guard and actions. */
const branchingSetup = workflowSetup.extend({
  guards: {
    /** The recorded decision chose `branch`. */
    chose: (_, p: { chosen: string | undefined; branch: string }) => p.chosen === p.branch,
  },
  actions: {
    /** Keep the classifier's answer and its step id for the decision. */
    keepClassification: assign((_, p: { text: string; stepId: string | undefined }) => ({ last: p.text, stepId: p.stepId })),
    /** Remember the branch taken. */
    takeBranch: assign((_, branch: string) => ({ branch })),
    /** The decision itself failed (the extractor threw or chose an unknown branch). */
    failDecision: assign((_, error: unknown) => ({ error: { code: 'BRANCH_FAILED', message: String(error) } })),
    /** A branch completed with partial content: keep it and its error. */
    keepPartial: assign((_, p: { text: string; error: ErrorInfo | undefined }) => ({ last: p.text, error: p.error })),
  },
});

/** Picks a branch from the classifier's answer. */
export type BranchExtractor = (classification: string, branches: readonly string[]) => { branch: string; reason: string };

/**
 * The default rule: "technical" in the answer → technical, else "creative" → creative, else
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
  /**
   * The workflow's name (its id in the log, in `runs` and in the UI). A workflow without one is a
   * ValidationError; a registered factory's options carry the registered name, so `...opts` gives it.
   */
  name?: string;
  classifier: AigenAgent | AnySdkAgent;
  /** Branch name → the step (agent or workflow) that runs when it is taken. */
  branches: Record<string, StepInput>;
  extract?: BranchExtractor;
  /**
   * What each branch is for: a description and words that point to it. When any branch has
   * one, the classifier's instructions get a `Branches:` list naming every branch with them, so
   * a model (the offline one included) can classify by meaning.
   */
  branchInfo?: Record<string, BranchInfo>;
}

/** What a branch is for, as the classifier is told. */
export interface BranchInfo {
  description?: string | undefined;
  keywords?: readonly string[] | undefined;
}

/**
 * The `Branches:` block added to a classifier's instructions, or `''` when no branch has a
 * description or keywords.
 * @example
 * ```ts
 * branchesBlock(['technical', 'general'], { technical: { description: 'How things work.', keywords: ['tcp'] } });
 * // '\n\nBranches (answer with exactly one branch name):\n- technical: How things work. Keywords: tcp.\n- general'
 * ```
 */
export function branchesBlock(names: readonly string[], info: Record<string, BranchInfo>): string {
  if (!names.some((n) => info[n]?.description || info[n]?.keywords?.length)) return '';
  const line = (n: string): string => {
    const d = info[n]?.description?.replace(/\s+/g, ' ').trim();
    const k = info[n]?.keywords?.length ? `Keywords: ${info[n].keywords.join(', ')}.` : '';
    const rest = [d ? d.replace(/([^.!?])$/, '$1.') : '', k].filter(Boolean).join(' ');
    return rest ? `- ${n}: ${rest}` : `- ${n}`;
  };
  return `\n\nBranches (answer with exactly one branch name):\n${names.map(line).join('\n')}`;
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
  protected override readonly sharesMachine = true;
  private readonly options: BranchingWorkflowOptions & { classifier: AigenAgent; branches: Record<string, Step> };

  constructor(options: BranchingWorkflowOptions) {
    super(options.name);
    if (Object.keys(options.branches).length === 0) throw new ValidationError(`workflow '${options.name}' has no branches`, { path: 'branches' });
    for (const b of Object.keys(options.branches)) {
      if (['classify', 'deciding', 'completed', 'partial', 'failed'].includes(b)) {
        throw new ValidationError(`branch name '${b}' is reserved`, { path: `branches.${b}` });
      }
    }
    const classifier = toAigenAgent(options.classifier);
    this.options = { ...options, classifier, branches: Object.fromEntries(Object.entries(options.branches).map(([b, s]) => [b, toStep(s)])) };
    const block = branchesBlock(Object.keys(options.branches), options.branchInfo ?? {});
    const own = classifier.instructions;
    if (block && typeof own === 'string' && !own.includes(block)) classifier.instructions = own + block;
    else if (block && typeof own === 'function') classifier.instructions = async (runContext, agent) => `${await own(runContext, agent)}${block}`;
  }

  steps(): Step[] {
    return [this.options.classifier, ...Object.values(this.options.branches)];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const names = Object.keys(this.options.branches);
    const extract = this.options.extract ?? extractContentType;
    const decide = fromPromise<string, { stepId: string; classification: string; services: RunServices }>(async ({ input }) => {
      const { branch, reason } = extract(input.classification, names);
      if (!names.includes(branch)) throw new Error(`branch extractor chose '${branch}', not one of ${names.join(', ')}`);
      await input.services.recordBranch(input.stepId, branch, reason);
      return branch;
    });
    const branchStates: Record<string, ReturnType<typeof branchingSetup.createStateConfig>> = {};
    for (const name of names) {
      branchStates[name] = branchingSetup.createStateConfig({
        invoke: {
          ...invokeStep(ctx, this.options.branches[name]!, name, (c) => c.original),
          onDone: [
            failWhenStepFails(),
            {
              guard: { type: 'stepPartial', params: ({ event }) => outcomeOf(event) },
              target: 'partial',
              actions: { type: 'keepPartial', params: ({ event }) => ({ text: outcomeOf(event).text, error: outcomeOf(event).error }) },
            },
            { target: 'completed', actions: { type: 'keepResult', params: ({ event }) => ({ text: outcomeOf(event).text, output: outcomeOf(event).output }) } },
          ],
        },
      });
    }
    return branchingSetup.createMachine({
      id: this.name,
      initial: 'classify',
      context: ({ input }) => initialContext(input),
      states: {
        classify: {
          invoke: {
            ...invokeStep(ctx, this.options.classifier, this.options.classifier.agentId, (c) => c.original),
            onDone: [
              failWhenStepFails(),
              {
                target: 'deciding',
                actions: { type: 'keepClassification', params: ({ event }) => ({ text: outcomeOf(event).text, stepId: outcomeOf(event).stepId }) },
              },
            ],
          },
        },
        deciding: {
          invoke: {
            id: `${ctx.prefix}decide`,
            src: decide,
            input: ({ context }) => ({ stepId: context.stepId ?? 'branch', classification: context.last ?? '', services: context.services }),
            onDone: names.map((name) => ({
              guard: { type: 'chose' as const, params: ({ event }: { event: DoneActorEvent<unknown> }) => ({ chosen: chosenBranch(event), branch: name }) },
              target: name,
              actions: { type: 'takeBranch' as const, params: name },
            })),
            onError: { target: 'failed', actions: { type: 'failDecision', params: ({ event }: { event: ErrorActorEvent }) => event.error } },
          },
        },
        ...branchStates,
        ...finalStates({ partial: true }),
      },
      output: ({ context }) => workflowOutput(context),
    });
  }
}
