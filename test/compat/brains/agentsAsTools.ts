import { callTool, combine, say, type Turn } from '../../../src/testing/index.js';
import type { Ask } from '../ask.js';

const WORDS: Record<string, string> = { Spanish: 'Hola', French: 'Bonjour', Italian: 'Ciao' };

/** Translators answer in their language; the orchestrator calls the Spanish and French ones at once, then joins them. */
export function brain(ask: Ask): Turn {
  const lang = /translate the user's message to (\w+)/.exec(ask.instructions)?.[1];
  if (lang) return say(`${WORDS[lang] ?? '?'} (${ask.user.slice(0, 40)})`);
  if (ask.results.length === 0) {
    return combine(callTool('translate_to_spanish', { input: 'Hello' }, { callId: 'call_es' }), callTool('translate_to_french', { input: 'Hello' }, { callId: 'call_fr' }));
  }
  return say(`Translations: ${ask.results.map((r) => r.output).join(', ')}`);
}
