import { callTool, combine, say, type Turn } from '../../../src/testing/index.js';
import type { Ask } from '../ask.js';

/**
 * The main agent asks for both temperatures and the weather agent at once; the weather agent
 * calls get_weather for both cities at once; each answers from its tool results.
 */
export function brain(ask: Ask): Turn {
  if (ask.instructions.startsWith('Use the available tool to report weather')) {
    if (ask.results.length === 0) return combine(callTool('get_weather', { city: 'San Francisco' }, { callId: 'call_w_sf' }), callTool('get_weather', { city: 'Oakland' }, { callId: 'call_w_oak' }));
    return say(ask.results.map((r) => r.output).join('; '));
  }
  if (ask.results.length === 0) {
    return combine(
      callTool('get_temperature', { city: 'San Francisco' }, { callId: 'call_t_sf' }),
      callTool('get_temperature', { city: 'Oakland' }, { callId: 'call_t_oak' }),
      callTool('ask_weather_agent', { input: 'San Francisco and Oakland' }, { callId: 'call_weather' }),
    );
  }
  return say(`Summary: ${ask.results.map((r) => r.output).join(' / ')}`);
}
