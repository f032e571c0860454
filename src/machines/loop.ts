import type { AnyStateMachine } from 'xstate';
import type { AigenAgent } from '../actors/agent.js';
import { ValidationError } from '../errors.js';
import {
  failWhenStepFails,
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
  type Step,
  type WorkflowContext,
  type WorkflowInput,
} from './workflow.js';

/** Decides whether a critique approves the draft. */
export type ApprovalRule = (critique: string) => boolean;

/**
 * The seed's rule: the critique says "excellent" and "no improvements needed".
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
  name: string;
  /** Writes the first draft: an agent or a workflow. */
  generator: Step;
  critic: AigenAgent;
  /** Revises the draft from a critique. */
  reviser: AigenAgent;
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
  private readonly options: LoopWorkflowOptions & { maxIterations: number; approve: ApprovalRule };

  constructor(options: LoopWorkflowOptions) {
    super(options.name);
    const maxIterations = options.maxIterations ?? 3;
    if (!Number.isInteger(maxIterations) || maxIterations < 0) {
      throw new ValidationError('maxIterations must be a whole number >= 0', { path: 'maxIterations' });
    }
    this.options = { ...options, maxIterations, approve: options.approve ?? approvesDraft };
  }

  steps(): Step[] {
    return [this.options.generator, this.options.critic, this.options.reviser];
  }

  build(ctx: BuildContext): AnyStateMachine {
    const { generator, critic, reviser, maxIterations, approve } = this.options;
    const failed = failWhenStepFails();
    return workflowMachine({
      id: this.name,
      initial: 'generate',
      context: ({ input }: { input: WorkflowInput }) => initialContext(input),
      states: {
        generate: {
          invoke: {
            ...invokeStep(ctx, generator, stepKey(generator), (c) => c.input),
            onDone: [failed, { target: 'critique', actions: update((_, e) => ({ last: outcomeOf(e).text })) }],
          },
        },
        critique: {
          invoke: {
            ...invokeStep(ctx, critic, critic.agentId, (c) => critiqueInput(c.original, c.last ?? '')),
            onDone: [
              failed,
              {
                guard: ({ context, event }: { context: WorkflowContext; event: unknown }) =>
                  approve(outcomeOf(event).text) || context.iteration >= maxIterations,
                target: 'completed',
                actions: update((c, e) => ({ outputs: { ...c.outputs, critique: outcomeOf(e).text } })),
              },
              { target: 'revise', actions: update((c, e) => ({ outputs: { ...c.outputs, critique: outcomeOf(e).text } })) },
            ],
          },
        },
        revise: {
          invoke: {
            ...invokeStep(ctx, reviser, `${reviser.agentId === critic.agentId ? 'reviser' : reviser.agentId}`, (c) =>
              revisionInput(c.original, c.last ?? '', c.outputs.critique ?? ''),
            ),
            onDone: [failed, { target: 'critique', actions: update((c, e) => ({ last: outcomeOf(e).text, iteration: c.iteration + 1 })) }],
          },
        },
        ...finalStates(),
      },
      output: ({ context }: { context: WorkflowContext }) => workflowOutput(context),
    });
  }
}
