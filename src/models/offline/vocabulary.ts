/**
 * Word matching for the offline model's decisions: built-in vocabularies for common branch and
 * agent names, and a scorer that says which words of a text matched which vocabulary, so every
 * decision can be explained.
 */

/** Built-in words per label. A label's own name is always part of its vocabulary too. */
export const BUILTIN_VOCABULARY: Readonly<Record<string, readonly string[]>> = {
  technical: [
    'code', 'coding', 'software', 'api', 'algorithm', 'quantum', 'database', 'engineering', 'engineer', 'computing',
    'computer', 'protocol', 'kubernetes', 'docker', 'programming', 'compiler', 'technical', 'technology', 'server',
    'encryption', 'cryptography', 'blockchain', 'machine learning', 'neural network', 'typescript', 'javascript',
    'python', 'rust', 'sql', 'linux', 'microservice', 'latency', 'distributed systems', 'debugging', 'devops',
    'cybersecurity', 'semiconductor', 'robotics', 'data structure', 'http', 'backend', 'frontend', 'infrastructure',
    'operating system', 'cpu', 'gpu', 'tcp', 'udp', 'ip', 'dns', 'tls', 'network', 'networking', 'congestion control',
    'packet', 'bandwidth', 'router', 'kernel', 'cache', 'memory', 'thread', 'index', 'indexing', 'query', 'crash',
    'bug', 'error', 'exception', 'stack trace', 'app', 'android', 'ios', 'browser', 'install', 'update', 'settings',
    'login', 'password', 'sync', 'firmware', 'driver', 'hardware', 'freeze', 'timeout', 'upload', 'download',
  ],
  creative: [
    'story', 'poem', 'poetry', 'fiction', 'novel', 'creative', 'imagine', 'imaginative', 'song', 'lyrics', 'screenplay',
    'fairy tale', 'fable', 'fantasy', 'myth', 'haiku', 'sonnet', 'narrative', 'painting', 'artistic', 'storytelling',
    'verse', 'comic', 'limerick', 'short film', 'bedtime', 'character', 'plot', 'dragon', 'once upon a time', 'tale',
  ],
  general: [],
  billing: [
    'invoice', 'bill', 'billing', 'charge', 'charged', 'refund', 'payment', 'pay', 'paid', 'price', 'pricing',
    'subscription', 'plan', 'credit card', 'card', 'receipt', 'tax', 'vat', 'cost', 'fee', 'money', 'discount',
    'coupon', 'renewal', 'cancel subscription', 'overcharged', 'debit',
  ],
  sales: ['buy', 'purchase', 'quote', 'demo', 'trial', 'license', 'enterprise', 'upgrade', 'discount'],
  account: ['account', 'login', 'sign in', 'password', 'email address', 'profile', 'username', 'two-factor'],
  support: ['help', 'problem', 'issue', 'broken', 'not working', 'crash', 'error', 'bug'],
  legal: ['contract', 'law', 'legal', 'privacy', 'gdpr', 'terms', 'liability', 'compliance'],
  research: ['research', 'investigate', 'find', 'facts', 'sources', 'background', 'study', 'evidence'],
  writer: ['write', 'draft', 'article', 'blog', 'essay', 'post', 'compose'],
  summarizer: ['summarize', 'summarise', 'summary', 'condense', 'recap', 'tl;dr'],
  editor: ['edit', 'polish', 'proofread', 'revise', 'rewrite'],
};

/** Words too common to tell labels apart when they come from descriptions or instructions. */
const STOPWORDS = new Set(
  ('a an and are as at be been but by can could do does for from has have how i if in into is it its me my of on or our ' +
    'please should so that the their them then there these they this those to up us was we were what when where which who ' +
    'why will with would you your about agent agents request requests user users input handle handles answer answers ' +
    'question questions help helps any all each other more most only own same than too very just also such ' +
    'work works working make makes made get gets use uses used need needs like one two new well good best ' +
    'topic topics content text piece write writes writing clear given task tasks next step steps handoff transfer')
    .split(' '),
);

/** A word of a text that matched a vocabulary, and where it starts. */
export interface Hit {
  readonly word: string;
  readonly at: number;
}

/** Lower-case words of a text with their positions. */
export function words(text: string): Array<{ word: string; at: number }> {
  return [...text.toLowerCase().matchAll(/[a-z0-9][a-z0-9'-]*/g)].map((m) => ({ word: m[0].replace(/'s$/, ''), at: m.index }));
}

/** A crude stem: plural and verb endings off, so "crashes", "crashed" and "crash" meet. */
export function stem(word: string): string {
  const w = word.toLowerCase();
  if (w.length <= 3) return w;
  for (const [suffix, keep] of [['ies', 'y'], ['sses', 'ss'], ['ches', 'ch'], ['shes', 'sh'], ['xes', 'x'], ['ing', ''], ['ed', ''], ['es', 'e'], ['s', '']] as const) {
    if (w.endsWith(suffix) && w.length - suffix.length >= 3 && !(suffix === 's' && /(?:ss|us|is)$/.test(w))) {
      return w.slice(0, -suffix.length) + keep;
    }
  }
  return w;
}

/** Content words of a description or instructions, stemmed, for matching (stopwords dropped). */
export function contentWords(text: string): string[] {
  return [...new Set(words(text).map((w) => w.word).filter((w) => w.length > 2 && !STOPWORDS.has(w)))];
}

/**
 * Where the vocabulary's entries occur in `text` (multi-word entries as phrases, single words
 * by stem), each entry once, in text order.
 *
 * @example
 * ```ts
 * findHits('The app crashes on Android', ['crash', 'android']).map((h) => h.word); // ['crash', 'android']
 * ```
 */
export function findHits(text: string, vocabulary: readonly string[]): Hit[] {
  const lower = text.toLowerCase();
  const tokens = words(text);
  const found: Hit[] = [];
  const seen = new Set<string>();
  for (const entry of vocabulary) {
    const e = entry.toLowerCase().trim();
    if (e === '' || seen.has(e)) continue;
    let at: number;
    if (/[^a-z0-9]/.test(e)) {
      at = lower.search(new RegExp(`\\b${e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    } else {
      const s = stem(e);
      at = tokens.find((t) => t.word === e || stem(t.word) === s)?.at ?? -1;
    }
    if (at !== -1) {
      seen.add(e);
      found.push({ word: e, at });
    }
  }
  return found.sort((a, b) => a.at - b.at);
}

/** The vocabulary of a label: its name's words, the built-in list for them, and extra words. */
export function vocabularyOf(label: string, extra: readonly string[] = []): string[] {
  const nameWords = label.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
  const builtin = nameWords.flatMap((w) => BUILTIN_VOCABULARY[w] ?? BUILTIN_VOCABULARY[stem(w)] ?? []);
  return [...new Set([...nameWords.filter((w) => !STOPWORDS.has(w) && w !== 'path'), ...builtin, ...extra.map((w) => w.toLowerCase())])];
}
