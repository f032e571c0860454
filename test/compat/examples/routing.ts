// The shape of the SDK's routing example: a triage agent that hands off by the language of the request.
import { Agent } from '@openai/agents';

export function agent(): Agent {
  const frenchAgent = new Agent({ name: 'french_agent', instructions: 'You only speak French' });
  const spanishAgent = new Agent({ name: 'spanish_agent', instructions: 'You only speak Spanish' });
  const englishAgent = new Agent({ name: 'english_agent', instructions: 'You only speak English' });
  return Agent.create({
    name: 'triage_agent',
    instructions: 'Handoff to the appropriate agent based on the language of the request.',
    handoffs: [frenchAgent, spanishAgent, englishAgent],
  });
}

export const input = 'Hola, ¿qué tiempo hace hoy en Madrid?';
