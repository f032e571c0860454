import { callTool, combine, say, type Turn } from '../../../src/testing/index.js';
import type { Ask } from '../ask.js';

/** Calls get_weather for every city asked about, all in one turn; then reports the results. */
export function brain(ask: Ask): Turn {
  if (ask.results.length === 0) {
    const cities = ['Tokyo', 'Osaka', 'San Francisco'].filter((c) => ask.user.includes(c));
    return combine(...cities.map((city, i) => callTool('get_weather', { city }, { callId: `call_weather_${i}` })));
  }
  return say(`Report: ${ask.results.map((r) => r.output).join(' | ')}`);
}
