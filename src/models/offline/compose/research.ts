import { classify } from '../classify.js';
import type { ComposeContext } from './context.js';
import { composeComparisonResearch } from './answers.js';
import { fill, toolSentence } from './context.js';

const GENERAL_FINDINGS = [
  'Interest in {s} has grown steadily over the past decade, driven by practitioners as much as by researchers.',
  'The core ideas behind {s} are well established, but how they play out in practice depends on context, resources and expertise.',
  'Most experts agree that the biggest open questions around {s} concern scale, reliability and long-term impact.',
  'Case studies suggest that groups working on {s} do best when they start small and iterate on measured results.',
  'Common misconceptions about {s} overstate short-term gains and understate the effort of getting the details right.',
  'Recent surveys point to a widening gap between what specialists know about {s} and what most people assume.',
  'Questions of regulation, ethics and public trust are becoming more prominent in discussions of {s}.',
  'Good introductory material on {s} is easier to find than ever, which lowers the barrier for newcomers.',
  'Education remains a bottleneck: demand for people who understand {s} outpaces supply.',
  'Comparisons with related subjects suggest {s} {is} best understood alongside them rather than in isolation.',
] as const;

const TECHNICAL_FINDINGS = [
  'Published benchmarks for {s} vary widely with workload, so headline numbers are rarely comparable without the exact setup.',
  'Open standards and interoperable interfaces are shaping how {s} {is} built, deployed and maintained.',
  'Reliability and observability, rather than raw performance, are the most cited pain points in production use of {s}.',
  'In {s}, the main engineering trade-off is between simplicity of the first version and flexibility later on.',
  'Security reviews of {s} repeatedly flag configuration mistakes as a larger risk than flaws in the underlying design.',
] as const;

const CREATIVE_FINDINGS = [
  'Audiences respond most strongly to {s} when {it} {is} grounded in a specific, concrete point of view.',
  'Classic treatments of {s} lean on contrast and tension, while recent work favours ambiguity and open endings.',
  'Sensory detail and a clear emotional arc are the elements readers most often remember about {s}.',
  'Writers who handle {s} well tend to choose one striking image and return to it, rather than piling up many.',
  'Genre conventions around {s} are well known, which makes small subversions of them especially effective.',
] as const;

const SOURCES = [
  'Survey papers and review articles on {s}: background, terminology and the state of the field.',
  'Practitioner write-ups and case studies: adoption patterns and lessons learned.',
  'Industry and market analyses: cost, investment and growth trends.',
  'Standards bodies and official documentation: definitions and current status.',
  'Interviews and expert commentary: competing views and open questions.',
  'Public datasets and benchmark reports: figures worth verifying before publication.',
] as const;

const OPEN_QUESTIONS = [
  'How quickly will {s} mature beyond early adopters?',
  'Which claims about {s} hold up under independent measurement?',
  'What trade-offs do people accept when they commit to {s}?',
  'Where are the limits of {s}, and who is best placed to judge them?',
] as const;

/**
 * Four to six research findings about the subject, chosen and ordered by the topic's hash.
 * Used by the research role and as raw material when a writer has no research to work from.
 *
 * @example
 * ```ts
 * researchFindings(ctx).length; // between 4 and 6
 * ```
 */
export function researchFindings(ctx: ComposeContext): string[] {
  const domain = ctx.flavor ?? classify(ctx.conversation.topic).label;
  const special = domain === 'technical' ? TECHNICAL_FINDINGS : domain === 'creative' ? CREATIVE_FINDINGS : [];
  const count = 4 + ctx.rng.int('findings-count', 3);
  const chosenSpecial = ctx.rng.sample('special', special, Math.min(2, special.length));
  const chosenGeneral = ctx.rng.sample('general', GENERAL_FINDINGS, count - chosenSpecial.length);
  return ctx.rng.sample('order', [...chosenGeneral, ...chosenSpecial], count).map((t) => fill(t, ctx));
}

/**
 * The research role's answer: "Research findings on <subject>:", bullet findings, then source
 * notes and an open question.
 *
 * @example
 * ```ts
 * composeResearch(ctx).startsWith('Research findings on quantum computing:'); // true
 * ```
 */
export function composeResearch(ctx: ComposeContext): string {
  if (ctx.request.kind === 'comparison' && !ctx.toolResult) return composeComparisonResearch(ctx);
  const findings = researchFindings(ctx);
  const tool = toolSentence(ctx);
  if (tool) findings.unshift(tool);
  const sources = ctx.rng.sample('sources', SOURCES, 3).map((t) => fill(t, ctx));
  const question = fill(ctx.rng.pick('question', OPEN_QUESTIONS), ctx);
  const confidence = ctx.rng.pick('confidence', ['moderate', 'moderate to high', 'reasonable'] as const);
  return [
    `Research findings on ${ctx.subject}:`,
    '',
    ...findings.map((f) => `- ${f}`),
    '',
    'Sources and notes:',
    ...sources.map((s) => `- ${s}`),
    '',
    `Open question: ${question}`,
    `Confidence: ${confidence}; the findings above summarise the common ground and should be checked against primary sources before publication.`,
  ].join('\n');
}
