import type { AnyStateMachine } from 'xstate';
import type { AigenAgent } from '../actors/agent.js';
import { ValidationError } from '../errors.js';
import { MaxTurnsExceededError } from './errors.js';
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

/** Options of {@link HandoffWorkflow}. */
export interface HandoffWorkflowOptions {
  /** The agents; the first one receives the input. */
  agents: AigenAgent[];
  name: string;
  /** Handoffs allowed before the run fails (default: the engine's maxTurns, 80). */
  maxTurns?: number;
}

type Guard = (args: { context: WorkflowContext; event: unknown }) => boolean;

/**
 * Agents decide who goes next: each agent may hand the conversation to the agents it lists in
 * `handoffs` (the SDK's `transfer_to_<agent>` tools). Every handoff is a HandoffRequested event
 * and a transition from one agent's state to the next; the conversation travels with it.
 * @example
 * ```ts
 * const triage = createAgent('orchestrator'); const research = createAgent('research'); const writer = createAgent('writer');
 * triage.addHandoff(research.agentId); research.addHandoff(writer.agentId);
 * const workflow = new HandoffWorkflow({ agents: [triage, research, writer], name: 'dynamic_content' });
 * ```
 */
export class HandoffWorkflow extends Workflow {
  readonly kind = 'handoff';
  private readonly handoffAgents: AigenAgent[];
  private readonly maxTurns: number | undefined;

  constructor(options: HandoffWorkflowOptions) {
    super(options.name);
    if (options.agents.length === 0) throw new ValidationError(`workflow '${options.name}' has no agents`, { path: 'agents' });
    const ids = new Set(options.agents.map((a) => a.agentId));
    if (ids.size !== options.agents.length) throw new ValidationError(`workflow '${options.name}' has two agents with one id`, { path: 'agents' });
    options.agents.forEach((a, i) =>
      a.handoffs.forEach((h, j) => {
        if (!ids.has(h)) {
          throw new ValidationError(`agent '${a.agentId}' hands off to '${h}', which is not an agent of workflow '${options.name}'`, {
            path: `agents[${i}].handoffs[${j}]`,
          });
        }
      }),
    );
    this.handoffAgents = options.agents;
    this.maxTurns = options.maxTurns;
  }

  steps(): Step[] {
    return this.handoffAgents;
  }

  build(ctx: BuildContext): AnyStateMachine {
    const maxTurns = this.maxTurns ?? ctx.services.maxTurns;
    const states: MachineConfig = {};
    for (const agent of this.handoffAgents) {
      const handTo = (target: string): Guard => ({ event }) => outcomeOf(event).handoffTo === target;
      states[agent.agentId] = {
        invoke: {
          ...invokeStep(ctx, agent, agent.agentId, (c) => c.input),
          onDone: [
            failWhenStepFails(),
            {
              guard: ({ context, event }: { context: WorkflowContext; event: unknown }) =>
                outcomeOf(event).handoffTo !== undefined && context.turns + 1 > maxTurns,
              target: 'failed',
              actions: update((c) => {
                const err = new MaxTurnsExceededError(`handoff workflow '${this.name}' exceeded its turn limit of ${maxTurns} handoffs`, this.name);
                return { turns: c.turns + 1, error: { code: err.code, message: err.message, name: err.name } };
              }),
            },
            ...agent.handoffs.map((target) => ({
              guard: handTo(target),
              target,
              actions: update((c, e) => {
                const o = outcomeOf(e);
                return { turns: c.turns + 1, input: o.history ?? c.input, last: o.text || c.last, outputs: { ...c.outputs, [agent.agentId]: o.text } };
              }),
            })),
            {
              target: 'completed',
              actions: update((c, e) => ({ last: outcomeOf(e).text, outputs: { ...c.outputs, [agent.agentId]: outcomeOf(e).text } })),
            },
          ],
        },
      };
    }
    return workflowMachine({
      id: this.name,
      initial: this.handoffAgents[0]!.agentId,
      context: ({ input }: { input: WorkflowInput }) => initialContext(input),
      states: { ...states, ...finalStates() },
      output: ({ context }: { context: WorkflowContext }) => workflowOutput(context),
    });
  }
}
