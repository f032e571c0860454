import { say, type Turn } from '../../../src/testing/index.js';
import type { Ask } from '../ask.js';

/** The guardrail agent calls equations homework; the support agent answers geography. */
export function brain(ask: Ask): Turn {
  if (ask.instructions.startsWith('Check if the user is asking')) return say(JSON.stringify({ isMathHomework: /solve|2x/.test(ask.user) }));
  return say('The capital of California is Sacramento.');
}
