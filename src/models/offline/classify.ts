/** The strategy role's classifier: technical, creative or general, by keywords of the topic. */

/** The three branches of the branching workflow. */
export type ContentClass = 'technical' | 'creative' | 'general';

/** A classification and the topic words that decided it. */
export interface Classification {
  readonly label: ContentClass;
  /** Keywords found in the topic, in the order they appear (empty for `general`). */
  readonly matched: readonly string[];
}

const TECHNICAL = [
  'code', 'coding', 'software', 'api', 'apis', 'algorithm', 'quantum', 'database', 'engineering', 'engineer',
  'computing', 'computer', 'protocol', 'kubernetes', 'docker', 'programming', 'compiler', 'technical',
  'technology', 'server', 'encryption', 'cryptography', 'blockchain', 'machine learning', 'neural network',
  'typescript', 'javascript', 'python', 'rust', 'sql', 'linux', 'microservice', 'latency', 'distributed systems',
  'debugging', 'devops', 'cybersecurity', 'semiconductor', 'robotics', 'data structure', 'http', 'backend',
  'frontend', 'infrastructure', 'operating system', 'cpu', 'gpu',
];
const CREATIVE = [
  'story', 'stories', 'poem', 'poetry', 'fiction', 'novel', 'creative', 'imagine', 'imaginative', 'song', 'lyrics',
  'screenplay', 'fairy tale', 'fable', 'fantasy', 'myth', 'haiku', 'sonnet', 'narrative', 'painting', 'artistic',
  'storytelling', 'verse', 'comic', 'limerick', 'short film',
];
/** Words naming a creative form: the request is for a creative piece whatever it is about. */
const CREATIVE_FORMS = new Set(['story', 'stories', 'poem', 'poetry', 'fiction', 'novel', 'song', 'lyrics', 'screenplay', 'haiku', 'sonnet', 'fable', 'fairy tale', 'verse']);

/**
 * Classify a topic. Scores count keyword hits (creative forms such as "poem" count double);
 * the higher score wins, a tie goes to the class whose first keyword comes earlier, and no hit
 * at all means `general`.
 *
 * @example
 * ```ts
 * classify('Explain how database indexing works').label; // 'technical'
 * classify('Write a short story about a lighthouse keeper').label; // 'creative'
 * classify('Tips for planning a family holiday').label; // 'general'
 * ```
 */
export function classify(topic: string): Classification {
  const lower = topic.toLowerCase();
  const tech = hits(lower, TECHNICAL);
  const creative = hits(lower, CREATIVE);
  const score = (list: readonly Hit[], forms?: ReadonlySet<string>): number =>
    list.reduce((sum, h) => sum + (forms?.has(h.word) ? 2 : 1), 0);
  const t = score(tech);
  const c = score(creative, CREATIVE_FORMS);
  if (t === 0 && c === 0) return { label: 'general', matched: [] };
  const techFirst = tech[0]?.at ?? Infinity;
  const creativeFirst = creative[0]?.at ?? Infinity;
  const label: ContentClass = t > c || (t === c && techFirst < creativeFirst) ? 'technical' : 'creative';
  return { label, matched: (label === 'technical' ? tech : creative).map((h) => h.word) };
}

interface Hit {
  readonly word: string;
  readonly at: number;
}

function hits(lower: string, words: readonly string[]): Hit[] {
  const found: Hit[] = [];
  for (const word of words) {
    const at = lower.search(new RegExp(`\\b${word}s?\\b`));
    if (at !== -1 && !found.some((h) => h.word.includes(word) || word.includes(h.word))) found.push({ word, at });
  }
  return found.sort((a, b) => a.at - b.at);
}

const OTHER: Record<ContentClass, readonly ContentClass[]> = {
  technical: ['creative', 'general'],
  creative: ['technical', 'general'],
  general: ['technical', 'creative'],
};

/**
 * Remove the names of the other two classes from an answer, so a keyword-based branch
 * extractor reading "technical" before "creative" always finds the intended one.
 *
 * @example
 * ```ts
 * scrubOtherClasses('general', 'not technical at all'); // 'not specialist at all'
 * ```
 */
export function scrubOtherClasses(label: ContentClass, text: string): string {
  let out = text;
  for (const other of OTHER[label]) {
    const replacement = other === 'general' ? 'broad' : other === 'technical' ? 'specialist' : 'imaginative';
    out = out.replace(new RegExp(other, 'gi'), replacement);
  }
  return out;
}
