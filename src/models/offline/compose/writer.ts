import { asSentence, clip, keyPoints, revisionLevel } from '../text.js';
import type { ComposeContext } from './context.js';
import { fill, toolSentence } from './context.js';
import { composeAnswer, composeComparison, composeReply } from './answers.js';
import { researchFindings } from './research.js';
import { composeStory, technicalHeadings } from './story.js';

const TITLES = {
  neutral: ['{S}: What You Need to Know', 'Understanding {S}', '{S} in Practice', 'A Closer Look at {S}', 'The State of {S}'],
  technical: ['How {S} {v:Works:Work}', '{S}: A Technical Overview', 'Inside {S}'],
  creative: ['{S}, Reimagined', 'The Many Faces of {S}'],
} as const;

const INTROS = {
  neutral: [
    'Few subjects reward a closer look as much as {s}. {v:It is:They are} discussed often, yet the details are very easy to lose in the noise. This article sets out what is known, what is still debated and what it means in practice.',
    'Interest in {s} keeps growing, and with it the number of confident claims. The aim here is simpler: to lay out the evidence clearly in order to draw a few practical conclusions.',
    'When people talk about {s}, they often mean quite different things. Pinning down the essentials makes the rest of the conversation a lot more productive.',
  ],
  technical: [
    'Behind the buzz around {s} sit a handful of concrete mechanisms and trade-offs. This piece walks through them in plain terms, with an eye on what matters in order to build or evaluate real systems.',
    'Engineers meeting {s} for the first time tend to ask the same questions: how {v:does it:do they} work, where {v:does it:do they} break, and what {v:does it:do they} cost? The sections below answer each in turn.',
  ],
  creative: [
    'There is a very particular pull to {s}: {it} {v:invites:invite} imagination while rewarding close attention to detail. This piece explores what makes it resonate and how to do it justice.',
    'Every good treatment of {s} begins with a single, vivid idea, and a lot of the work lies in protecting it. What follows traces that idea outward, from first spark to finished form.',
  ],
} as const;

const LEADS = [
  ['The starting point is the evidence.', 'Start with what the research shows.', 'The findings paint a consistent picture.'],
  ['The details matter just as much.', 'Looking more closely reveals some nuance.', 'Beyond the headline results, several practical points stand out.'],
  ['Not everything is settled, however.', 'There are also open questions.', 'A few caveats are worth keeping in mind.'],
] as const;

const CONCLUSIONS = [
  'In short, {s} {v:rewards:reward} careful attention. The most useful next step is to start small and measure honestly in order to build on what works.',
  'Taken together, these points suggest a measured view of {s}: real promise, real limits, and a lot of room for thoughtful work.',
  'The picture that emerges is clear enough to act on. Anyone approaching {s} today should focus on the very fundamentals, keep an eye on the open questions and revisit their assumptions as the evidence grows.',
] as const;

/** Paragraphs a revision adds, answering the usual review points (examples, evidence, limits). */
const ADDITIONS = [
  'A concrete example makes this tangible. Picture a small team taking on {s} for one well-defined problem: they set a clear goal, measure the result after a few weeks, and decide on the evidence whether to go further.',
  'The evidence deserves a closer look as well. Independent reviews of {s} broadly agree on the direction of travel, even where they differ on pace, and that agreement is the firmest ground to stand on.',
  'It is also worth being plain about the limits. The strongest accounts of {s} are candid about what remains uncertain and where the evidence is still thin.',
] as const;

/**
 * The writer role's answer: an article with a title and at least three paragraphs built from
 * the previous agent's points. When the input carries a critique (a line starting `Critique:`),
 * a revised draft headed `Revised draft (revision K):` with K = 1 + the number of
 * `(revision ` markers already in the input (see `revisionLevel`).
 *
 * @example
 * ```ts
 * composeWriter(ctx).split('\n')[0]; // '# Understanding Quantum Computing'
 * ```
 */
export function composeWriter(ctx: ComposeContext): string {
  const conv = ctx.conversation;
  const critique = critiqueOf(conv.text);
  const points = sourcePoints(ctx, critique !== undefined);
  if (critique === undefined) {
    // A request that is not a topic gets the text its kind calls for.
    if (ctx.request.kind === 'comparison') return composeComparison(ctx, []);
    if (ctx.request.kind === 'ticket') return composeReply(ctx);
    if (ctx.request.kind === 'question') return composeAnswer(ctx, conversationPoints(ctx, false) ?? []);
    if (ctx.flavor === 'creative') return composeStory(ctx, conversationPoints(ctx, false) ?? []);
  }
  const flavor = ctx.flavor ?? 'neutral';
  const body: string[] = [];
  const groups = points.length >= 5 ? [points.slice(0, 2), points.slice(2, 4), points.slice(4)] : [points.slice(0, 2), points.slice(2)];
  groups.forEach((group, i) => {
    if (group.length === 0) return;
    const leads = LEADS[Math.min(i, LEADS.length - 1)] ?? LEADS[0];
    body.push([ctx.rng.pick(`lead-${i}`, leads), ...group].join(' '));
  });
  const tool = toolSentence(ctx);
  if (tool) body.push(tool);
  const headings = flavor === 'technical' && critique === undefined ? technicalHeadings(body.length) : [];
  const article = [
    `# ${fill(ctx.rng.pick('title', TITLES[flavor]), ctx)}`,
    fill(ctx.rng.pick('intro', INTROS[flavor]), ctx),
    ...body.flatMap((paragraph, i) => (headings[i] ? [headings[i], paragraph] : [paragraph])),
    fill(ctx.rng.pick('conclusion', CONCLUSIONS), ctx),
  ];
  if (critique === undefined) return article.join('\n\n');
  const revision = revisionLevel(conv.text) + 1;
  const addressed = critique.length > 0 ? critique : ['Tightened the structure and clarified the main argument.'];
  article.splice(article.length - 1, 0, fill(ctx.rng.pick(`addition-${revision}`, ADDITIONS), ctx));
  return [
    `Revised draft (revision ${revision}):`,
    '',
    article.join('\n\n'),
    '',
    'What changed in this revision:',
    ...addressed.map((s) => `- Addressed: ${clip(s, 160)}`),
  ].join('\n');
}

/**
 * The suggestions of the latest critique in `text` (numbered or bulleted lines after a line
 * starting `Critique:`), or `undefined` when there is no critique.
 *
 * @example
 * ```ts
 * critiqueOf('Critique: needs work.\n1. Add an example.'); // ['Add an example.']
 * ```
 */
export function critiqueOf(text: string): string[] | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  let start = -1;
  lines.forEach((l, i) => {
    if (/^Critique:/i.test(l)) start = i;
  });
  if (start === -1) return undefined;
  const suggestions: string[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = /^(?:\d+[.)]|[-*•])\s+(.+)$/.exec(line);
    if (m?.[1]) suggestions.push(asSentence(m[1]));
    else if (suggestions.length > 0 && line === '') break;
  }
  return suggestions;
}

/**
 * The points to write from. A first draft uses the previous output's points; a revision uses
 * the research bullets found anywhere in the conversation. Without either: fresh findings.
 */
function sourcePoints(ctx: ComposeContext, revising: boolean): string[] {
  return conversationPoints(ctx, revising) ?? researchFindings(ctx);
}

/** The points of the previous output or of research in the conversation, if there are any. */
function conversationPoints(ctx: ComposeContext, revising: boolean): string[] | undefined {
  const conv = ctx.conversation;
  if (!revising && conv.previous) {
    const points = usable(keyPoints(mainPart(conv.previous), 6));
    if (points.length >= 2) return points;
  }
  const research = /Research findings on[^\n]*:\n([\s\S]*)/.exec(conv.text)?.[1];
  if (research !== undefined) {
    const bullets = usable(keyPoints(mainPart(research), 6));
    if (bullets.length >= 2) return bullets;
  }
  return undefined;
}

/** A text without its trailing source notes and revision notes, and without framing lines. */
function mainPart(text: string): string {
  const end = text.search(/^\s*(?:Sources and notes:|What changed in this revision:|Editor's notes:)/m);
  return (end === -1 ? text : text.slice(0, end))
    .split('\n')
    .filter((l) => !/^\s*(?:Previous agent '[^']*' output:|Original request:|Now you \(|Revised draft \(|Critique:)/.test(l))
    .join('\n');
}

function usable(points: string[]): string[] {
  return points.filter((p) => !/^(?:Open question|Confidence|Addressed|Research findings on)\b/i.test(p));
}
