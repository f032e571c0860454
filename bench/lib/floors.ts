/**
 * The floors of the runtime bench, shared by the sequential variants and the concurrent child
 * process: the three SDK agents on a Runner with the instant model and no tracing, and a bare
 * XState machine invoking them (no recording).
 */
import { Agent, Runner } from '@openai/agents';
import { assign, createActor, fromPromise, setup, toPromise } from 'xstate';
import { builtinAgentTypes } from '../../src/index.js';
import { AGENTS, instantModel, stepInput, type AgentName } from './workload.js';

/** A Runner for the non-aigen variants: models by name from the instant model, SDK tracing off unless asked. */
export const bareRunner = (tracingDisabled = true): Runner =>
  new Runner({ modelProvider: { getModel: (name) => instantModel(name ?? 'research') }, tracingDisabled });

/** The three SDK agents with aigen's built-in instructions; model resolved by name. */
export const sdkAgents = (): Record<AgentName, Agent> =>
  Object.fromEntries(
    AGENTS.map((name) => [name, new Agent({ name, instructions: builtinAgentTypes[name]!.instructions, model: name })]),
  ) as Record<AgentName, Agent>;

export const finalText = (output: unknown): string => (typeof output === 'string' ? output : JSON.stringify(output));

/**
 * A 3-state XState machine whose states invoke `runner.run()` of the same agents (no recording);
 * returns a function that runs it once to its end.
 */
export function bareXStateRunner(): (request: string) => Promise<void> {
  const runner = bareRunner();
  const agents = sdkAgents();
  type Ctx = { request: string; last: string };
  const stage = (k: number, next: string) => ({
    invoke: {
      src: 'step' as const,
      input: ({ context }: { context: Ctx }) => ({ k, input: stepInput(k, context.last, context.request) }),
      onDone: { target: next, actions: 'keepOutput' as const },
    },
  });
  const machine = setup({
    types: { context: {} as Ctx, input: {} as { request: string } },
    actors: {
      step: fromPromise<string, { k: number; input: string }>(async ({ input }) =>
        finalText((await runner.run(agents[AGENTS[input.k]!], input.input)).finalOutput),
      ),
    },
    actions: {
      keepOutput: assign({ last: ({ event }) => (event as unknown as { output: string }).output }),
    },
  }).createMachine({
    id: 'content_generation',
    initial: 'research',
    context: ({ input }) => ({ request: input.request, last: '' }),
    states: {
      research: stage(0, 'writer'),
      writer: stage(1, 'editor'),
      editor: stage(2, 'completed'),
      completed: { type: 'final' },
    },
  });
  return async (request) => {
    const actor = createActor(machine, { input: { request } });
    const done = toPromise(actor);
    actor.start();
    await done;
  };
}
