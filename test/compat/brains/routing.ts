import { handoffTo, say, type Turn } from '../../../src/testing/index.js';
import type { Ask } from '../ask.js';

/** Triage hands Spanish to the Spanish agent; each language agent answers in its language. */
export function brain(ask: Ask): Turn {
  if (ask.instructions.startsWith('Handoff to the appropriate agent')) return handoffTo(/hola|qué/i.test(ask.user) ? 'spanish_agent' : 'english_agent');
  if (ask.instructions.includes('Spanish')) return say('Hoy hace sol en Madrid.');
  return say(`(${ask.instructions}) ${ask.user.slice(0, 30)}`);
}
