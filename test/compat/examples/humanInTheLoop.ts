// The shape of the SDK's human-in-the-loop example: three parallel calls in one turn, two of
// which need approval, one of them an agent used as a tool.
import { Agent, tool } from '@openai/agents';
import { z } from 'zod';

export function agent(): Agent {
  const getWeather = tool({
    name: 'get_weather',
    description: 'Get weather conditions for one city. The result does not include temperature.',
    parameters: z.object({ city: z.string().describe('City whose weather conditions to retrieve.') }),
    execute: async ({ city }) => `The weather in ${city} is sunny`,
  });
  const weatherAgent = new Agent({
    name: 'Weather agent',
    instructions: 'Use the available tool to report weather conditions for every requested city. Report conditions only, without temperatures.',
    handoffDescription: 'Handles weather-related queries',
    tools: [getWeather],
  });
  const getTemperature = tool({
    name: 'get_temperature',
    description: 'Get the current temperature for one city. Call separately for each requested city.',
    parameters: z.object({ city: z.string().describe('City whose current temperature to retrieve.') }),
    needsApproval: async (_ctx, { city }) => city.includes('Oakland'),
    execute: async ({ city }) => `The temperature in ${city} is 20° Celsius`,
  });
  return new Agent({
    name: 'Basic test agent',
    instructions: 'Use the available tools to answer weather questions. Retrieve every requested kind of information for every requested city before answering.',
    tools: [
      getTemperature,
      weatherAgent.asTool({
        toolName: 'ask_weather_agent',
        toolDescription: 'Get weather conditions for one or more locations. This tool does not return temperatures.',
        needsApproval: async (_ctx, { input }) => input.includes('San Francisco'),
      }),
    ],
  });
}

export const input = 'What is the weather and temperature in San Francisco and Oakland?';
