/** What kind of request a text is: a topic to write about, or a question, comparison, ticket or command. */
import { findHits, BUILTIN_VOCABULARY } from './vocabulary.js';

/** The kinds of request the offline model tells apart. */
export type RequestKind = 'topic' | 'question' | 'comparison' | 'ticket' | 'command';

/** A request read for its kind, with the parts a composer needs. */
export interface RequestShape {
  readonly kind: RequestKind;
  /** Comparison: the things compared ("the Kindle", "the Kobo Clara"). */
  readonly items: readonly string[];
  /** Comparison: what they are compared on ("prices"), when named. */
  readonly aspect: string | undefined;
  /** Ticket: `billing`, `technical` or `general`, by the words of the ticket. */
  readonly domain: 'billing' | 'technical' | 'general';
  /** The request's first sentence, trimmed. */
  readonly text: string;
}

const QUESTION_START = /^(?:what|why|how|when|where|who|whom|which|is|are|was|were|can|could|should|would|will|do|does|did|has|have)\b/i;
const COMMAND_START = /^(?:please\s+)?(?:explain|describe|list|give|tell|show|teach|define|outline|walk me through|help me|suggest|recommend|name|translate|calculate|fix|plan)\b/i;
const TOPIC_COMMAND = /^(?:please\s+)?(?:generate|write|create|produce|draft|compose|research|make|prepare)\b/i;
const PROBLEM = /\b(?:crash(?:es|ed|ing)?|error|errors|broken|bug|fails?|failed|failing|not working|doesn't work|does not work|won't|can't|cannot|unable|stuck|charged|overcharged|refund|invoice|locked out|freez(?:es|ing)|missing|wrong)\b/i;
const REPORTER = /\b(?:i|i'm|i've|my|me|we|our|us)\b|^the (?:app|site|page|website|service|product)\b/i;

/**
 * Read what kind of request a text is. A comparison ("Compare A and B", "A vs B", "difference
 * between A and B") names its items; a ticket reports a problem (a problem word such as
 * "crashes", "charged", "refund", plus "I"/"my" or "the app"); a question ends with "?" or starts
 * with a question word; a command starts with a verb such as "explain" or "list"; anything else
 * (including "Write about X", "Generate content about X") is a topic.
 *
 * @example
 * ```ts
 * readRequest('Compare the prices of the Kindle and the Kobo Clara');
 * // { kind: 'comparison', items: ['the Kindle', 'the Kobo Clara'], aspect: 'prices', … }
 * readRequest('my invoice was charged twice, please refund one').kind; // 'ticket'
 * ```
 */
export function readRequest(topic: string): RequestShape {
  const text = (topic.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '').trim();
  const domain = ticketDomain(topic);
  const base = { items: [] as string[], aspect: undefined, domain, text };
  const comparison = comparisonOf(text);
  if (comparison) return { ...base, kind: 'comparison', ...comparison };
  if (PROBLEM.test(topic) && REPORTER.test(topic) && !TOPIC_COMMAND.test(text)) return { ...base, kind: 'ticket' };
  if (/\?\s*$/.test(text) || (QUESTION_START.test(text) && !/^how to\b/i.test(text))) return { ...base, kind: 'question' };
  if (COMMAND_START.test(text)) return { ...base, kind: 'command' };
  return { ...base, kind: 'topic' };
}

function ticketDomain(text: string): RequestShape['domain'] {
  const billing = findHits(text, BUILTIN_VOCABULARY.billing ?? []).length;
  const technical = findHits(text, BUILTIN_VOCABULARY.technical ?? []).length;
  if (billing === 0 && technical === 0) return 'general';
  return billing >= technical ? 'billing' : 'technical';
}

function comparisonOf(text: string): { items: string[]; aspect: string | undefined } | undefined {
  const s = text.replace(/[.?!]+$/, '').trim();
  let rest: string | undefined;
  let aspect: string | undefined;
  const compare = /^(?:please\s+)?(?:compare|contrast)\s+(.+)$/i.exec(s);
  const between = /\bdifferences?\s+between\s+(.+)$/i.exec(s);
  const which = /^(?:which is (?:better|cheaper|faster)|should i (?:buy|choose|get|use))[,:]?\s+(.+)$/i.exec(s);
  if (compare?.[1]) rest = compare[1];
  else if (between?.[1]) rest = between[1];
  else if (which?.[1] && /\s(?:or|vs\.?|versus)\s/i.test(which[1])) rest = which[1];
  else if (/\s(?:vs\.?|versus)\s/i.test(s)) rest = s;
  if (rest === undefined) return undefined;
  const on = /\s+(?:on|for|in terms of|by)\s+(?:their\s+|its\s+)?([^,]+)$/i.exec(rest);
  if (on?.[1] && /\s(?:and|vs\.?|versus|with|to|or)\s/i.test(rest.slice(0, on.index))) {
    aspect = on[1].trim();
    rest = rest.slice(0, on.index);
  }
  const of = /^(?:the\s+)?([a-z][\w -]{1,40}?)\s+of\s+(.+)$/i.exec(rest);
  if (of?.[1] && of[2] && /\s(?:and|vs\.?|versus|with|to|or)\s|,/i.test(of[2])) {
    aspect ??= of[1].trim();
    rest = of[2];
  }
  const items = rest
    .split(/\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|vs\.?|versus|with|to|or|against)\s+/i)
    .map((i) => i.trim().replace(/^["'“]|["'”]$/g, ''))
    .filter((i) => i !== '');
  return items.length >= 2 ? { items: items.slice(0, 4), aspect } : undefined;
}

/**
 * Whether a noun phrase is plural, so verbs agree with it ("volcanoes are", "AI is"): its head
 * noun (the word before "of", else the last word) ends in a plural `s` or is a known plural.
 *
 * @example
 * ```ts
 * isPlural('volcanoes'); // true
 * isPlural('the prices of the Kindle'); // true
 * isPlural('quantum computing'); // false
 * ```
 */
export function isPlural(phrase: string): boolean {
  const p = phrase.trim();
  if (/^(?:how|why|what|when|where|whether|who)\b/i.test(p)) return false;
  if (/\s(?:and)\s/i.test(p)) return true;
  const head = (/^(.+?)\s+(?:of|in|for|on|about|with|from)\s/i.exec(p)?.[1] ?? p).split(/\s+/).pop() ?? '';
  const w = head.toLowerCase();
  if (['people', 'children', 'women', 'men', 'mice', 'geese', 'teeth', 'feet', 'media', 'criteria'].includes(w)) return true;
  if (w.length <= 3 || /(?:ss|us|is|ics|sis|ness|ous)$/.test(w)) return false;
  if (/^[A-Z]/.test(head) && p.split(/\s+/)[0] !== head) return false; // a proper name such as "Kubernetes"
  return /[^s]s$|ies$|oes$|ses$/.test(w);
}
