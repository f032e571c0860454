/**
 * What an agent's instructions ask of the form of its answer (length, tone, layout), and how
 * the offline model reshapes a text to follow them.
 */
import { paragraphs, sentences } from './text.js';

/** The style an agent's instructions ask for; every field is absent unless a rule matched. */
export interface Style {
  /** At most this many sentences in the whole answer (title and headings not counted). */
  readonly maxSentences?: number;
  /** At most this many words in the whole answer. */
  readonly maxWords?: number;
  /** Body as bullet points. */
  readonly bullets?: boolean;
  /** Body under `##` section headings. */
  readonly sections?: boolean;
  /** `add`: start with a `#` title; `none`: no title line. */
  readonly title?: 'add' | 'none';
  /** Formal tone: no contractions, no exclamation marks, no casual words. */
  readonly formal?: boolean;
  /** For children: short sentences, plain words, a friendly opening. */
  readonly children?: boolean;
  /** The voice the instructions ask for. */
  readonly flavor?: 'technical' | 'creative';
  /** Drop working notes (editor's notes, sources) so only the piece remains. */
  readonly pieceOnly?: boolean;
}

const NUMBERS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, fifteen: 15, twenty: 20 };
const NUM = `(\\d+|${Object.keys(NUMBERS).join('|')})`;

function count(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const n = /^\d+$/.test(word) ? Number(word) : NUMBERS[word.toLowerCase()];
  return n !== undefined && n > 0 ? n : undefined;
}

/**
 * Read the style rules out of instructions. Length: "terse"/"tersely" (4 sentences),
 * "brief"/"briefly"/"concise" (6), "at most N sentences" / "in N sentences" / "no more than N
 * sentences", "at most N words", "one paragraph" (4). Form: "bullet points"/"bulleted"/"as a
 * list", "sections"/"headings" ("with headings", "in sections"), "with a title" / "no title".
 * Tone: "formal", "for children"/"for kids"/"child-friendly". Voice: "technical"/"precise",
 * "imaginative"/"story"/"creative".
 *
 * @example
 * ```ts
 * styleFrom('Edit tersely: at most five sentences.'); // { maxSentences: 5, pieceOnly: true }
 * ```
 */
export function styleFrom(instructions: string | undefined): Style {
  const t = (instructions ?? '').toLowerCase();
  const style: { -readonly [K in keyof Style]: Style[K] } = {};
  const limit = new RegExp(`\\b(?:at most|no more than|up to|maximum of|max(?:imum)?|in|within|under|exactly)\\s+${NUM}\\s+(sentences?|words?)\\b`).exec(t);
  if (limit) {
    const n = count(limit[1]);
    if (n !== undefined && limit[2]?.startsWith('sentence')) style.maxSentences = n;
    else if (n !== undefined) style.maxWords = n;
  }
  if (style.maxSentences === undefined && style.maxWords === undefined) {
    if (/\bterse(?:ly)?\b|\bvery short\b|\bas short as possible\b/.test(t)) style.maxSentences = 4;
    else if (/\b(?:one|a single|1) paragraph\b/.test(t)) style.maxSentences = 4;
    else if (/\b(?:brief|briefly|concise|concisely|succinct|keep it short)\b/.test(t)) style.maxSentences = 6;
  }
  if (style.maxSentences !== undefined || style.maxWords !== undefined) style.pieceOnly = true;
  if (/\bbullet(?:ed)?(?: points?| list)?\b|\bbulleted\b|\bas a list\b|\bin a list\b/.test(t)) style.bullets = true;
  if (/\b(?:with|use|using|add|under|in)\s+(?:clear\s+|short\s+)?(?:section\s+)?(?:headings|sections|subheadings)\b/.test(t)) style.sections = true;
  if (/\bno title\b|\bwithout (?:a )?title\b/.test(t)) style.title = 'none';
  else if (/\b(?:with|add|include|give it|start with|begin with|and) (?:an? )?(?:\w+ )?(?:title|headline)\b/.test(t)) style.title = 'add';
  if (/\bformal(?:ly)?\b/.test(t) && !/\binformal\b/.test(t)) style.formal = true;
  if (/\bfor (?:young )?(?:children|kids|a child|a (?:\d+|five|six|seven|eight)[- ]year[- ]old)\b|\bchild(?:-| )friendly\b|\bchildren\b/.test(t)) style.children = true;
  if (/\b(?:imaginative|story-driven|storytelling|creative|narrative|poetic)\b/.test(t)) style.flavor = 'creative';
  else if (/\b(?:technical|precise|engineers?|developers?)\b/.test(t)) style.flavor = 'technical';
  return style;
}

/** Whether a style changes anything about the form of a text. */
export function shapes(style: Style): boolean {
  return (
    style.maxSentences !== undefined || style.maxWords !== undefined || style.bullets === true || style.sections === true ||
    style.title !== undefined || style.formal === true || style.children === true
  );
}

const NOTES = /^(?:Editor's notes:|Sources and notes:|What changed in this revision:|Open question:|Confidence:)/;

const CONTRACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan't\b/gi, 'cannot'], [/\bwon't\b/gi, 'will not'], [/\bdon't\b/gi, 'do not'], [/\bdoesn't\b/gi, 'does not'],
  [/\bisn't\b/gi, 'is not'], [/\baren't\b/gi, 'are not'], [/\bit's\b/gi, 'it is'], [/\bthat's\b/gi, 'that is'],
  [/\blet's\b/gi, 'let us'], [/\byou're\b/gi, 'you are'], [/\bwe're\b/gi, 'we are'], [/\bthey're\b/gi, 'they are'],
  [/\bI'm\b/g, 'I am'], [/\ba lot of\b/gi, 'many'], [/\bpretty\s+/gi, ''], [/\bgreat\b/gi, 'considerable'], [/\bkids\b/gi, 'children'],
];

const PLAIN: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bapproximately\b/gi, 'about'], [/\butili[sz]e\b/gi, 'use'], [/\bconsequently\b/gi, 'so'], [/\bnevertheless\b/gi, 'still'],
  [/\bdemonstrate\b/gi, 'show'], [/\bsubstantial\b/gi, 'big'], [/\bnumerous\b/gi, 'many'], [/\bpractitioners\b/gi, 'people who do it'],
  [/\bindependent measurement\b/gi, 'careful testing'], [/\bimplementation\b/gi, 'way of doing it'],
];

/**
 * Reshape `text` to follow a style: working notes dropped when a length limit applies, the body
 * cut to the sentence or word limit, turned into bullets or sectioned, the title added or
 * removed, the tone made formal or child-friendly. A `Revised draft (revision K):` header, which
 * review loops count, is always kept, and so is `keep` (the sentence quoting a tool's result):
 * it leads the shortened or reshaped text, counted in its limits, and is never rewritten.
 * Identity when the style asks for nothing.
 *
 * @example
 * ```ts
 * applyStyle('# T\n\nOne. Two. Three.', { maxSentences: 2 }, 'tea'); // '# T\n\nOne. Two.'
 * applyStyle('# T\n\nOne. Two. Tool: 42.', { maxSentences: 2 }, 'tea', 'Tool: 42.'); // '# T\n\nTool: 42. One.'
 * ```
 */
export function applyStyle(text: string, style: Style, subjectTitle: string, keep?: string): string {
  if (!shapes(style)) return text;
  const limited = style.maxSentences !== undefined || style.maxWords !== undefined;
  const pinned = keep !== undefined && keep !== '' && text.includes(keep) && (limited || style.bullets || style.sections) ? keep : undefined;
  if (pinned !== undefined) text = withoutSentence(text, pinned);
  let blocks = paragraphs(text);
  const header = blocks[0] !== undefined && /^Revised draft \(revision \d+\):?$/.test(blocks[0]) ? blocks.shift() : undefined;
  if (style.pieceOnly || style.bullets || style.sections) blocks = blocks.filter((b) => !NOTES.test(b) && !b.startsWith('|'));
  let title = blocks[0]?.startsWith('# ') ? blocks.shift() : undefined;
  if (style.title === 'add' && title === undefined) title = `# ${subjectTitle}`;
  if (style.title === 'none') title = undefined;

  let body = blocks.map((b) => b.replace(/^#{2,}\s+.*$/gm, '').trim()).filter(Boolean);
  const retone = (s: string) => (style.formal ? formal(s) : style.children ? childlike(s) : s);
  // The tool's result is quoted as it came, whatever the tone.
  const fix = (s: string) => (keep ? s.split(keep).map(retone).join(keep) : retone(s));
  body = body.map(fix);
  let sents = body.flatMap((b) => (isList(b) ? listItems(b) : sentences(b)));
  if (style.children) sents = [`Let's learn about ${subjectTitle}!`, ...sents.map(shortSentence)];
  if (style.maxSentences !== undefined || style.maxWords !== undefined) {
    // Short linking sentences ("The details matter just as much.") go first when space is tight.
    const substantial = sents.filter((s) => s.split(/\s+/).length > 6);
    if (substantial.length > 0) sents = substantial;
  }
  if (style.maxSentences !== undefined) sents = sents.slice(0, Math.max(0, style.maxSentences - (pinned ? 1 : 0)));
  if (style.maxWords !== undefined) sents = cutWords(sents, Math.max(0, style.maxWords - (pinned ? pinned.split(/\s+/).length : 0)));
  if (pinned !== undefined) sents.splice(style.children ? 1 : 0, 0, pinned);

  let out: string[];
  if (style.bullets) out = [sents.map((s) => `- ${s}`).join('\n')];
  else if (style.sections) out = sectioned(sents);
  else if (style.maxSentences !== undefined || style.maxWords !== undefined) out = [sents.join(' ')];
  else out = regroup(body, sents);
  return [...(header ? [header] : []), ...(title ? [title] : []), ...out].filter((b) => b !== '').join('\n\n');
}

/**
 * `text` without `sentence`; a line left holding only a bullet or a label ("Short answer:",
 * "- Verified a detail with a tool:") goes with it.
 */
function withoutSentence(text: string, sentence: string): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(sentence));
  if (i === -1) return text;
  const rest = (lines[i] ?? '').replace(sentence, '').replace(/[ \t]{2,}/g, ' ').trimEnd();
  if (/^\s*(?:(?:[-*•]|\d+[.)])\s*)?(?:[^.!?]{0,40}:)?\s*$/.test(rest)) lines.splice(i, 1);
  else lines[i] = rest;
  return lines.join('\n');
}

function isList(block: string): boolean {
  return block.split('\n').every((l) => /^\s*(?:[-*•]|\d+[.)])\s+/.test(l));
}

function listItems(block: string): string[] {
  return block.split('\n').map((l) => l.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim()).filter(Boolean);
}

/** Keep the paragraphing of the body when only the tone changed. */
function regroup(body: readonly string[], sents: readonly string[]): string[] {
  if (sents.length === body.flatMap((b) => (isList(b) ? listItems(b) : sentences(b))).length) return [...body];
  const out: string[] = [];
  for (let i = 0; i < sents.length; i += 3) out.push(sents.slice(i, i + 3).join(' '));
  return out;
}

const SECTION_NAMES = ['Overview', 'Key points', 'Details', 'Open questions', 'Takeaways'] as const;

function sectioned(sents: readonly string[]): string[] {
  const per = Math.max(1, Math.ceil(sents.length / Math.min(4, Math.max(2, Math.ceil(sents.length / 3)))));
  const out: string[] = [];
  for (let i = 0, k = 0; i < sents.length; i += per, k++) {
    out.push(`## ${SECTION_NAMES[Math.min(k, SECTION_NAMES.length - 1)]}`, sents.slice(i, i + per).join(' '));
  }
  return out;
}

function cutWords(sents: readonly string[], max: number): string[] {
  const out: string[] = [];
  let used = 0;
  for (const s of sents) {
    const n = s.split(/\s+/).length;
    if (used + n > max) {
      const rest = max - used;
      if (rest >= 4) out.push(`${s.split(/\s+/).slice(0, rest).join(' ').replace(/[,;:]$/, '')}…`);
      break;
    }
    out.push(s);
    used += n;
  }
  return out;
}

function formal(text: string): string {
  return CONTRACTIONS.reduce((t, [re, by]) => t.replace(re, by), text).replace(/!/g, '.').replace(/[ \t]{2,}/g, ' ');
}

function childlike(text: string): string {
  return PLAIN.reduce((t, [re, by]) => t.replace(re, by), text);
}

/** A long sentence cut at its first comma or clause break, for young readers. */
function shortSentence(sentence: string): string {
  if (sentence.split(/\s+/).length <= 14) return sentence;
  const cut = /^(.{20,}?)(?:,|;| — | - | which | while | because )/.exec(sentence);
  return cut?.[1] ? `${cut[1].trim()}.` : sentence;
}
