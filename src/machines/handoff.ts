import { assign, type AnyStateMachine, type DoneActorEvent } from 'xstate';
import { AigenAgent, toAigenAgent } from '../actors/agent.js';
import type { AnySdkAgent } from '../actors/sdkFields.js';
import type { StepOutcome } from '../actors/outcome.js';
import { ValidationError } from '../errors.js';
import { MaxTurnsExceededError } from './errors.js';
import { errorInfo, failWhenStepFails, finalStates, initialContext, invokeStep, outcomeOf, workflowOutput, workflowSetup } from './setup.js';
import { Workflow, type BuildContext, type Step, type WorkflowContext } from './workflow.js';

/** The handoff kind's own guards and actions. */
const handoffSetup = workflowSetup.extend({
  guards: {
    /** The agent handed over once more than the turn limit allows. */
    turnLimitReached: ({ context }, p: { outcome: StepOutcome; maxTurns: number }) =>
      p.outcome.handoffTo !== undefined && context.turns + 1 > p.maxTurns,
    /** The agent handed the conversation to `target`. */
    handedOffTo: (_, p: { outcome: StepOutcome; target: string }) => p.outcome.handoffTo === p.target,
  },
  actions: {
    /** Fail with MaxTurnsExceededError, counting the refused handoff. */
    failTurnLimit: assign(({ context }, p: { workflow: string; maxTurns: number }) => ({
      turns: context.turns + 1,
      error: errorInfo(new MaxTurnsExceededError(`handoff workflow '${p.workflow}' exceeded its turn limit of ${p.maxTurns} handoffs`, p.workflow)),
    })),
    /** Move the conversation on: the next agent gets the history so far. */
    handOff: assign(({ context }, p: { outcome: StepOutcome; agentId: string }) => ({
      turns: context.turns + 1,
      input: p.outcome.history ?? context.input,
      last: p.outcome.text || context.last,
      outputs: { ...context.outputs, [p.agentId]: p.outcome.text },
    })),
  },
});

/** Options of {@link HandoffWorkflow}. */
export interface HandoffWorkflowOptions {
  /**
   * The agents; the first one receives the input. SDK Agents join as agents of the workflow,
   * and so do the SDK Agents they hand off to (`handoffs: [agent, handoff(agent, { … })]`).
   */
  agents: Array<AigenAgent | AnySdkAgent>;
  /**
   * The workflow's name (its id in the log, in `runs` and in the UI). A workflow without one is a
   * ValidationError; a registered factory's options carry the registered name, so `...opts` gives it.
   */
  name?: string;
  /** Handoffs allowed before the run fails (default: the engine's maxTurns, 80). */
  maxTurns?: number;
}

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
  protected override readonly sharesMachine = true;
  private readonly handoffAgents: AigenAgent[];
  private readonly maxTurns: number | undefined;

  constructor(options: HandoffWorkflowOptions) {
    super(options.name);
    if (options.agents.length === 0) throw new ValidationError(`workflow '${options.name}' has no agents`, { path: 'agents' });
    const agents = options.agents.map(toAigenAgent);
    // SDK handoff targets: the listed agent built from that Agent, else one of its slug, else a new agent of the workflow.
    for (let i = 0; i < agents.length; i++) {
      agents[i]!.resolveHandoffs(agents, (target) => {
        const added = AigenAgent.fromSdk(target);
        agents.push(added);
        return added;
      });
    }
    const ids = new Set(agents.map((a) => a.agentId));
    if (ids.size !== agents.length) throw new ValidationError(`workflow '${options.name}' has two agents with one id`, { path: 'agents' });
    agents.forEach((a, i) =>
      a.handoffs.forEach((h, j) => {
        if (!ids.has(h)) {
          throw new ValidationError(`agent '${a.agentId}' hands off to '${h}', which is not an agent of workflow '${options.name}'`, {
            path: `agents[${i}].handoffs[${j}]`,
          });
        }
      }),
    );
    this.handoffAgents = agents;
    const byId = new Map(agents.map((a) => [a.agentId, a]));
    for (const agent of agents) agent.handoffPeers = byId;
    this.maxTurns = options.maxTurns;
  }

  steps(): Step[] {
    return this.handoffAgents;
  }

  build(ctx: BuildContext): AnyStateMachine {
    const maxTurnsOf = (c: WorkflowContext) => this.maxTurns ?? c.services.maxTurns;
    const states: Record<string, ReturnType<typeof handoffSetup.createStateConfig>> = {};
    for (const agent of this.handoffAgents) {
      const agentId = agent.agentId;
      states[agentId] = handoffSetup.createStateConfig({
        invoke: {
          ...invokeStep(ctx, agent, agentId, (c) => c.input),
          onDone: [
            failWhenStepFails(),
            {
              guard: { type: 'turnLimitReached', params: ({ event, context }) => ({ outcome: outcomeOf(event), maxTurns: maxTurnsOf(context) }) },
              target: 'failed',
              actions: { type: 'failTurnLimit', params: ({ context }) => ({ workflow: this.name, maxTurns: maxTurnsOf(context) }) },
            },
            ...agent.handoffs.map((target) => ({
              guard: { type: 'handedOffTo' as const, params: ({ event }: { event: DoneActorEvent<unknown> }) => ({ outcome: outcomeOf(event), target }) },
              target,
              actions: { type: 'handOff' as const, params: ({ event }: { event: DoneActorEvent<unknown> }) => ({ outcome: outcomeOf(event), agentId }) },
            })),
            {
              target: 'completed',
              actions: { type: 'keepResult', params: ({ event }) => ({ text: outcomeOf(event).text, output: outcomeOf(event).output, key: agentId }) },
            },
          ],
        },
      });
    }
    return handoffSetup.createMachine({
      id: this.name,
      initial: this.handoffAgents[0]!.agentId,
      context: ({ input }) => initialContext(input),
      states: { ...states, ...finalStates({ partial: false }) },
      output: ({ context }) => workflowOutput(context),
    });
  }
}
