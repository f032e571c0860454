/**
 * The strategy role's classifier: picks one of the labels (branch names) the instructions offer,
 * by the words of the request, and says which words decided it.
 */
import { contentWords, findHits, vocabularyOf, type Hit } from './vocabulary.js';

/** The three branches of the built-in content router. */
export type ContentClass = 'technical' | 'creative' | 'general';

/** What the classifier knows of one label: its description and extra words from the workflow. */
export interface LabelInfo {
  readonly description?: string | undefined;
  readonly keywords?: readonly string[] | undefined;
}

/** A classification and the words that decided it. */
export interface Classification {
  readonly label: string;
  /** Vocabulary words found in the request, in the order they appear (empty for the fallback). */
  readonly matched: readonly string[];
  /** Words of the label's description found in the request. */
  readonly described: readonly string[];
}

/** The labels of the built-in content router, used when the instructions name none. */
export const DEFAULT_LABELS: readonly string[] = ['technical', 'creative', 'general'];

/** Words naming a creative form: the request is for a creative piece whatever it is about. */
const FORMS = new Set(['story', 'poem', 'poetry', 'fiction', 'novel', 'song', 'lyrics', 'screenplay', 'haiku', 'sonnet', 'fable', 'fairy tale', 'verse', 'bedtime', 'tale']);
/** Labels that mean "anything else": taken when no label's words occur. */
const FALLBACKS = ['general', 'other', 'default', 'misc', 'fallback', 'everything_else'];

/**
 * Classify a request among `labels`. Each label scores 2 per word of its vocabulary (its name,
 * the built-in list for that name, the workflow's `vocabulary`) found in the request — 3 for a
 * creative form such as "poem" — and 1 per content word of its description. The highest score
 * wins; a tie goes to the label whose first word comes earlier; no hit at all means the
 * fallback label (`general`, `other`, … or else the last label).
 *
 * @example
 * ```ts
 * classify('Explain how TCP congestion control works').label; // 'technical'
 * classify('Write a bedtime story about a fox').label; // 'creative'
 * classify('my invoice was wrong', ['support', 'billing']).label; // 'billing'
 * ```
 */
export function classify(
  topic: string,
  labels: readonly string[] = DEFAULT_LABELS,
  info: Readonly<Record<string, LabelInfo>> = {},
): Classification {
  let best: { label: string; score: number; first: number; matched: Hit[]; described: Hit[] } | undefined;
  for (const label of labels) {
    if (FALLBACKS.includes(label.toLowerCase())) continue;
    const matched = findHits(topic, vocabularyOf(label, info[label]?.keywords));
    const described = findHits(topic, contentWords(info[label]?.description ?? '')).filter((h) => !matched.some((m) => m.word === h.word || m.at === h.at));
    const score = matched.reduce((s, h) => s + (FORMS.has(h.word) ? 3 : 2), 0) + described.length;
    if (score === 0) continue;
    const first = Math.min(...[...matched, ...described].map((h) => h.at));
    if (!best || score > best.score || (score === best.score && first < best.first)) best = { label, score, first, matched, described };
  }
  if (best) return { label: best.label, matched: best.matched.map((h) => h.word), described: best.described.map((h) => h.word) };
  const fallback = labels.find((l) => FALLBACKS.includes(l.toLowerCase())) ?? labels[labels.length - 1] ?? 'general';
  return { label: fallback, matched: [], described: [] };
}

/** Neutral words used in place of the other labels' names inside an answer. */
const NEUTRAL: Record<string, string> = { general: 'broad', technical: 'specialist', creative: 'imaginative' };

/**
 * Remove the names of the other labels from an answer, so a branch extractor that looks for
 * branch names in the answer always finds the intended one.
 *
 * @example
 * ```ts
 * scrubOtherClasses('general', 'not technical at all'); // 'not specialist at all'
 * ```
 */
export function scrubOtherClasses(label: string, text: string, labels: readonly string[] = DEFAULT_LABELS): string {
  let out = text;
  for (const other of labels) {
    if (other === label || label.toLowerCase().includes(other.toLowerCase())) continue;
    const escaped = other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(escaped, 'gi'), NEUTRAL[other.toLowerCase()] ?? 'another option');
  }
  return out;
}

/**
 * The labels and what is known of them, read from a classifier's instructions: a `Branches:`
 * block (`- name: description Keywords: a, b.`) when present, else a list such as "classify it
 * as technical, creative, or general", else the built-in three.
 *
 * @example
 * ```ts
 * labelsFromInstructions('Classify it as billing, technical or other.').labels; // ['billing', 'technical', 'other']
 * ```
 */
export function labelsFromInstructions(instructions: string | undefined): { labels: string[]; info: Record<string, LabelInfo> } {
  const text = instructions ?? '';
  const info: Record<string, LabelInfo> = {};
  const block = /^\s*Branches\b[^\n]*:\s*\n((?:[ \t]*-[^\n]*\n?)+)/im.exec(text);
  if (block?.[1]) {
    for (const line of block[1].split('\n')) {
      const m = /^\s*-\s*([A-Za-z0-9_.-]+)\s*(?::\s*(.*))?$/.exec(line);
      if (!m?.[1]) continue;
      const rest = m[2] ?? '';
      const kw = /\bKeywords:\s*([^\n]*?)\.?\s*$/i.exec(rest);
      const description = (kw ? rest.slice(0, kw.index) : rest).trim();
      const keywords = kw?.[1] ? kw[1].split(',').map((k) => k.trim()).filter(Boolean) : [];
      info[m[1]] = { ...(description ? { description } : {}), ...(keywords.length ? { keywords } : {}) };
    }
    const labels = Object.keys(info);
    if (labels.length > 0) return { labels, info };
  }
  const list = /\b(?:as|into|among|between|one of)\s*:?\s+((?:[A-Za-z_][\w-]*\s*,\s*)+(?:or\s+|and\s+)?[A-Za-z_][\w-]*|[A-Za-z_][\w-]*\s+(?:or|and)\s+[A-Za-z_][\w-]*)/i.exec(text);
  if (list?.[1]) {
    const labels = list[1].split(/\s*,\s*|\s+(?:or|and)\s+/).map((l) => l.replace(/^(?:or|and)\s+/i, '').trim()).filter(Boolean);
    if (labels.length >= 2) return { labels, info };
  }
  return { labels: [...DEFAULT_LABELS], info };
}
