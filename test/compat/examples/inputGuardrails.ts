// The shape of the SDK's input guardrails example: a guardrail that runs a guardrail agent with
// the SDK's own run(), and trips on math homework.
import { Agent, run } from '@openai/agents';
import { z } from 'zod';

export function agent(): Agent {
  const guardrailAgent = new Agent({
    name: 'Guardrail agent',
    instructions: 'Check if the user is asking you to do their math homework.',
    outputType: z.object({ isMathHomework: z.boolean() }),
  });
  return new Agent({
    name: 'Customer support agent',
    instructions: 'You are a customer support agent. You help customers with their questions.',
    inputGuardrails: [
      {
        name: 'Math Homework Guardrail',
        execute: async ({ input, context }) => {
          const result = await run(guardrailAgent, input, { context });
          return { tripwireTriggered: result.finalOutput?.isMathHomework ?? false, outputInfo: result.finalOutput };
        },
      },
    ],
  });
}

export const input = 'What is the capital of California?';
export const tripping = 'Can you help me solve for x: 2x + 5 = 11?';
