// The shape of the SDK's structured output examples: an agent whose output type is a zod schema,
// calling a tool first.
import { Agent, tool } from '@openai/agents';
import { z } from 'zod';

export function agent(): Agent<unknown, z.ZodObject<{ city: z.ZodString; forecast: z.ZodString; highC: z.ZodNumber }>> {
  const getForecast = tool({
    name: 'get_forecast',
    description: 'Forecast for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, text: 'Light rain, clearing later', highC: 13 }),
  });
  return new Agent({
    name: 'Weather reporter',
    instructions: 'Return the city and a short weather forecast.',
    tools: [getForecast],
    outputType: z.object({ city: z.string(), forecast: z.string(), highC: z.number() }),
  });
}

export const input = 'What is the weather in London?';
