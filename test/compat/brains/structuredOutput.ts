import { callTool, say, type Turn } from '../../../src/testing/index.js';
import type { Ask } from '../ask.js';

/** Looks the forecast up, then answers with the JSON object the output type asks for. */
export function brain(ask: Ask): Turn {
  if (ask.results.length === 0) return callTool('get_forecast', { city: 'London' }, { callId: 'call_forecast' });
  const f = JSON.parse(ask.results[0]!.output) as { city: string; text: string; highC: number };
  return say(JSON.stringify({ city: f.city, forecast: f.text, highC: f.highC }));
}
