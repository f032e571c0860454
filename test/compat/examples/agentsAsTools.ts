// The shape of the SDK's agents-as-tools example: an orchestrator that translates by calling
// translation agents as tools, several at once.
import { Agent } from '@openai/agents';

export function agent(): Agent {
  const spanishAgent = new Agent({ name: 'spanish_agent', instructions: "You translate the user's message to Spanish" });
  const frenchAgent = new Agent({ name: 'french_agent', instructions: "You translate the user's message to French" });
  const italianAgent = new Agent({ name: 'italian_agent', instructions: "You translate the user's message to Italian" });
  return new Agent({
    name: 'orchestrator_agent',
    instructions: [
      'You are a translation agent. You use the tools given to you to translate.',
      'If asked for multiple translations, you call the relevant tools in order.',
      'You never translate on your own, you always use the provided tools.',
    ].join(' '),
    tools: [
      spanishAgent.asTool({ toolName: 'translate_to_spanish', toolDescription: "Translate the user's message to Spanish", runOptions: { maxTurns: 3 } }),
      frenchAgent.asTool({ toolName: 'translate_to_french', toolDescription: "Translate the user's message to French" }),
      italianAgent.asTool({ toolName: 'translate_to_italian', toolDescription: "Translate the user's message to Italian" }),
    ],
  });
}

export const input = 'Hello to Spanish and French';
