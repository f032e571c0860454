import { assign, type AnyStateMachine } from 'xstate';
import { toAigenAgent, type AigenAgent } from '../actors/agent.js';
import type { AnySdkAgent } from '../actors/sdkFields.js';
import { ValidationError } from '../errors.js';
import { failWhenStepFails, finalStates, initialContext, invokeStep, outcomeOf, workflowOutput, workflowSetup } from './setup.js';
import { stepKey, toStep, Workflow, type BuildContext, type Step, type StepInput } from './workflow.js';

/** The loop kind's own guard and actions. */
const loopSetup = workflowSetup.extend({
  guards: {
    /** The critic approved the draft, or no revision is left. */
    approvedOrLastIteration: ({ context }, p: { approved: boolean; maxIterations: number }) => p.approved || context.iteration >= p.maxIterations,
  },
  actions: {
    /** Keep the critic's answer for the reviser. */
    keepCritique: assign(({ context }, critique: string) => ({ outputs: { ...context.outputs, critique } })),
    /** Keep the revised draft and count the revision. */
    keepRevision: assign(({ context }, draft: string) => ({ last: draft, iteration: context.iteration + 1 })),
  },
});

/** Decides whether a critique approves the draft. */
export type ApprovalRule = (critique: string) => boolean;

/**
 * The default approval rule: the critique says "excellent" and "no improvements needed".
 * @example
 * ```ts
 * approvesDraft('Excellent. No improvements needed.'); // true
 * ```
 */
export const approvesDraft: ApprovalRule = (critique) => {
  const t = critique.toLowerCase();
  return t.includes('excellent') && t.includes('no improvements needed');
};

/** Options of {@link LoopWorkflow}. */
export interface LoopWorkflowOptions {
  /**
   * The workflow's name (its id in the log, in `runs` and in the UI). A workflow without one is a
   * ValidationError; a registered factory's options carry the registered name, so `...opts` gives it.
   */
  name?: string;
  /** Writes the first draft: an agent or a workflow. */
  generator: StepInput;
  critic: AigenAgent | AnySdkAgent;
  /** Revises the draft from a critique. */
  reviser: AigenAgent | AnySdkAgent;
  /** Revisions at most (default 3). */
  maxIterations?: number;
  approve?: ApprovalRule;
}

/** What the critic reads. */
export function critiqueInput(original: string, draft: string): string {
  return `Original request: ${original}\n\nDraft to review:\n${draft}`;
}

/** What the reviser reads. */
export function revisionInput(original: string, draft: string, critique: string): string {
  return `Original request: ${original}\n\nCurrent draft:\n${draft}\n\nCritique:\n${critique}\n\nRevise the draft to address every point of the critique.`;
}

/**
 * Self-improving loop: generate → critique → (approved? done) → revise → critique …, with at
 * most `maxIterations` revisions. The result is the last draft.
 * @example
 * ```ts
 * new LoopWorkflow({ name: 'self_improving', generator: createWorkflow('content_generation'),
 *   critic: createAgent('critic'), reviser: createAgent('writer'), maxIterations: 3 });
 * ```
 */
export class LoopWorkflow extends Workflow {
  readonly kind = 'loop';
  protected override readonly sharesMachine = true;
  private readonly options: LoopWorkflowOptions & { generator: Step; critic: AigenAgent; reviser: AigenAgent; maxIterations: number; approve: ApprovalRule };

  constructor(options: LoopWorkflowOptions) {
    super(options.name);
    const maxIterations = options.maxIterations ?? 3;
    if (!Number.isInteger(maxIterations) || maxIterations < 0) {
      throw new ValidationError('maxIterations must be a whole number >= 0', { path: 'maxIterations' });
    }
    this.options = {
      ...options,
      generator: toStep(options.generator),
      critic: toAigenAgent(options.critic),
      reviser: toAigenAgent(options.reviser),
      maxIterations,
      approve: options.approve ?? approvesDraft,
    };
  }

  steps(): Step[] {
    return [this.options.generator, this.options.critic, this.options.reviser];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const { generator, critic, reviser, maxIterations, approve } = this.options;
    const failed = failWhenStepFails();
    return loopSetup.createMachine({
      id: this.name,
      initial: 'generate',
      context: ({ input }) => initialContext(input),
      states: {
        generate: {
          invoke: {
            ...invokeStep(ctx, generator, stepKey(generator), (c) => c.input),
            onDone: [failed, { target: 'critique', actions: { type: 'keepResult', params: ({ event }) => ({ text: outcomeOf(event).text, output: outcomeOf(event).output }) } }],
          },
        },
        critique: {
          invoke: {
            ...invokeStep(ctx, critic, critic.agentId, (c) => critiqueInput(c.original, c.last ?? '')),
            onDone: [
              failed,
              {
                guard: { type: 'approvedOrLastIteration', params: ({ event }) => ({ approved: approve(outcomeOf(event).text), maxIterations }) },
                target: 'completed',
                actions: { type: 'keepCritique', params: ({ event }) => outcomeOf(event).text },
              },
              { target: 'revise', actions: { type: 'keepCritique', params: ({ event }) => outcomeOf(event).text } },
            ],
          },
        },
        revise: {
          invoke: {
            ...invokeStep(ctx, reviser, `${reviser.agentId === critic.agentId ? 'reviser' : reviser.agentId}`, (c) =>
              revisionInput(c.original, c.last ?? '', c.outputs.critique ?? ''),
            ),
            onDone: [failed, { target: 'critique', actions: { type: 'keepRevision', params: ({ event }) => outcomeOf(event).text } }],
          },
        },
        ...finalStates({ partial: false }),
      },
      output: ({ context }) => workflowOutput(context),
    });
  }
}
