import { classify, labelsFromInstructions, scrubOtherClasses } from '../classify.js';
import { clip, keyPoints, paragraphs, revisionLevel, sentences } from '../text.js';
import type { ComposeContext } from './context.js';
import { fill, toolSentence } from './context.js';
import { researchFindings } from './research.js';

const SUGGESTIONS = [
  'Open with a concrete example of {s} instead of a general statement, so the reader sees why it matters straight away.',
  'Back up the main claims with at least one specific figure, date or named source.',
  'Tighten the middle section: two paragraphs make nearly the same point and could be merged.',
  'Add a short passage on limitations and open questions; the draft currently reads as one-sided.',
  'End with a clear, practical takeaway rather than a summary of what was already said.',
  'Define the key terms around {s} the first time they appear, for readers new to the subject.',
] as const;

/**
 * The critic role's answer. With at least `approveAfterRevisions` `(revision ` markers in its
 * input it approves ("Excellent work. No improvements needed."); before that it writes a
 * critique starting `Critique:` with 2–3 numbered suggestions and neither approval phrase.
 *
 * @example
 * ```ts
 * composeCritic(ctx); // 'Critique: The draft on quantum computing …\n1. …'
 * ```
 */
export function composeCritic(ctx: ComposeContext): string {
  if (criticApproves(ctx)) {
    return `Excellent work. No improvements needed. The revised draft on ${ctx.subject} is clear, well organised and ready to publish.`;
  }
  const draft = ctx.conversation.previous ?? ctx.conversation.latestUser;
  const rng = ctx.rng;
  const count = 2 + rng.int(`count:${draft.length}`, 2);
  const picks = rng.sample(`suggestions:${draft.length}`, SUGGESTIONS, count).map((t) => fill(t, ctx));
  const opener = rng.pick('opener', [
    'The draft on {s} has a solid foundation but is not ready yet.',
    'The draft on {s} covers the right ground, but it needs another pass.',
    'There is a good piece in this draft on {s}; a few changes would make it much stronger.',
  ] as const);
  const tool = toolSentence(ctx);
  const level = revisionLevel(ctx.conversation.text);
  const text = [
    `Critique: ${fill(opener, ctx)}`,
    ...picks.map((p, i) => `${i + 1}. ${p}`),
    ...(tool ? [tool] : []),
    'Please revise the draft to address these points.',
    // lets a writer that only sees this critique number its next revision correctly
    ...(level > 0 ? [`Reviewed revision ${level} of the draft.`] : []),
  ].join('\n');
  // Never let the subject or tool output smuggle in an approval phrase.
  return text.replace(/excellent/gi, 'outstanding').replace(/no improvements needed/gi, 'few improvements left');
}

/**
 * Whether the critic approves: enough `(revision ` markers in its input (see `revisionLevel`).
 *
 * @example
 * ```ts
 * criticApproves(ctx); // true once the input holds `approveAfterRevisions` revision markers
 * ```
 */
export function criticApproves(ctx: ComposeContext): boolean {
  return revisionLevel(ctx.conversation.text) >= ctx.approveAfterRevisions;
}

/**
 * The strategy role's answer: `Classification: <label>` on the first line and a one-line reason
 * naming the words that decided it; the other labels' names never appear. The labels come from
 * the instructions (see `labelsFromInstructions`).
 *
 * @example
 * ```ts
 * composeStrategy(ctx); // 'Classification: technical\nReason: the request mentions "tcp" and "congestion control", …'
 * ```
 */
export function composeStrategy(ctx: ComposeContext): string {
  const { labels, info } = labelsFromInstructions(ctx.instructions);
  const { label, matched, described } = classify(ctx.conversation.topic, labels, info);
  const quote = (list: readonly string[]) => list.slice(0, 3).map((w) => `"${w}"`).join(', ');
  const reason =
    matched.length > 0
      ? `the request mentions ${quote(matched)}, from the ${label} vocabulary${described.length ? `, and ${quote(described)} from its description` : ''}.`
      : described.length > 0
        ? `the request mentions ${quote(described)}, which match the description of ${label}.`
        : `no words of the other options occur in the request, so it goes to ${label}.`;
  const tool = toolSentence(ctx);
  const text = `Classification: ${label}\nReason: ${reason}${tool ? ` ${tool}` : ''}`;
  return scrubOtherClasses(label, text, labels);
}

/**
 * The summarizer role's answer: a two-sentence summary and up to three key points.
 *
 * @example
 * ```ts
 * composeSummarizer(ctx).startsWith('Summary of'); // true
 * ```
 */
export function composeSummarizer(ctx: ComposeContext): string {
  const source = ctx.conversation.previous ?? ctx.conversation.topic;
  let points = summaryPoints(source);
  if (points.length < 2) points = researchFindings(ctx);
  const chosen = points.slice(0, 3).map((p) => clip(p, 180));
  const lead = ctx.rng.pick('lead', [
    'In brief: the material on {s} makes {n} main points.',
    'The short version: {n} points stand out about {s}.',
    'At a glance, the material on {s} comes down to {n} points.',
  ] as const);
  const close = ctx.rng.pick('close', [
    'The overall message is measured: real progress, with open questions still to settle.',
    'Taken together, they give a balanced picture that is ready to act on.',
  ] as const);
  const tool = toolSentence(ctx);
  return [
    `Summary of ${ctx.subject}:`,
    '',
    `${fill(lead.replace('{n}', String(chosen.length)), ctx)} ${close}${tool ? ` ${tool}` : ''}`,
    '',
    'Key points:',
    ...chosen.map((p) => `- ${p}`),
  ].join('\n');
}

/**
 * The points worth summarising: bullet lines when there are some; otherwise, for prose, the
 * longest sentence of each body paragraph (title, introduction and conclusion left out).
 */
function summaryPoints(source: string): string[] {
  const main = source.replace(/^\s*(?:Sources and notes:|Editor's notes:|What changed in this revision:)[\s\S]*$/m, '');
  const skip = (p: string): boolean => /^(?:Open question|Confidence|Research findings on|Revised draft \()/i.test(p);
  const bullets = main.split('\n').filter((l) => /^\s*(?:[-*•]|\d+[.)])\s+/.test(l));
  if (bullets.length >= 2) return keyPoints(main, 6).filter((p) => !skip(p));
  const paras = paragraphs(main).filter((p) => !p.startsWith('#') && !skip(p));
  const body = paras.length >= 4 ? paras.slice(1, -1) : paras;
  return body
    .map((p) => sentences(p).reduce((best, s) => (s.length > best.length ? s : best), ''))
    .filter((s) => s.length > 24);
}
