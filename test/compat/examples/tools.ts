// The shape of the SDK's basic tools example: a function tool with input and output guardrails,
// called once per city in one turn (parallel calls).
import { Agent, tool } from '@openai/agents';
import { z } from 'zod';

type Weather = { city: string; temperatureRange: string; conditions: string };

export function agent(): Agent {
  const getWeather = tool({
    name: 'get_weather',
    description: 'Get the weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }): Promise<Weather> => {
      await new Promise((r) => setTimeout(r, city === 'Tokyo' ? 30 : 1));
      return { city, temperatureRange: '14-20C', conditions: 'Sunny with wind.' };
    },
    inputGuardrails: [
      {
        name: 'get_weather_input_guardrail',
        run: async ({ toolCall }) => {
          const args = JSON.parse(toolCall.arguments) as { city: string };
          return ['tokyo', 'osaka'].includes(args.city.toLowerCase())
            ? { behavior: { type: 'allow' } }
            : { behavior: { type: 'rejectContent', message: 'I can help you only for cities in Japan.' } };
        },
      },
    ],
    outputGuardrails: [{ name: 'get_weather_output_guardrail', run: async () => ({ behavior: { type: 'allow' } }) }],
  });
  return new Agent({ name: 'Hello world', instructions: 'You are a helpful agent.', tools: [getWeather] });
}

export const input = "What's the weather in Tokyo, Osaka and San Francisco?";
