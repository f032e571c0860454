/**
 * Texts for requests that are not topics: a comparison compares the things it names, a question
 * gets an answer, a support ticket gets a reply.
 */
import { capitalize, titleCase } from '../text.js';
import type { ComposeContext } from './context.js';
import { fill } from './context.js';

/** What to check for each item of a comparison, by the aspect asked about. */
const CRITERIA: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/price|cost|fee|cheap|expens|value/i, ['the list price at the official store', 'the price at two large retailers, including any regular discounts', 'the running costs over time (subscriptions, accessories, replacements)']],
  [/speed|perform|fast/i, ['measured speed on the same workload', 'speed under load rather than at rest', 'what the speed costs in power, price or complexity']],
  [/size|weight|screen|display/i, ['the exact dimensions and weight', 'the size of the part you use most', 'how the size affects daily use']],
];
const GENERAL_CRITERIA = ['what each one costs, up front and over time', 'what each one does best and where it falls short', 'how well each one fits the way you will actually use it'] as const;

/**
 * The research for a comparison: the same checks for every item, so the writer can compare
 * like with like.
 *
 * @example
 * ```ts
 * composeComparisonResearch(ctx).startsWith('Research findings on the prices of the Kindle and the Kobo Clara:'); // true
 * ```
 */
export function composeComparisonResearch(ctx: ComposeContext): string {
  const { items, aspect } = ctx.request;
  const criteria = criteriaFor(aspect);
  const list = joinItems(items);
  return [
    `Research findings on ${aspect ? `the ${aspect} of ` : ''}${list}:`,
    '',
    ...items.map((item) => `- For ${item}, check ${criteria[0]} and ${criteria[1]}.`),
    `- Compare ${list} on ${criteria[2]}, since that is where the difference between them usually shows.`,
    `- Note the date of every figure for ${list}: ${aspect ? `${aspect} change` : 'details change'} often, so a comparison is only as current as its sources.`,
    '',
    'Sources and notes:',
    ...items.map((item) => `- The official page of ${item} and at least one independent retailer or review.`),
  ].join('\n');
}

/**
 * A comparison of the items the request names, item by item, then a side-by-side table and a
 * verdict that says how to choose.
 *
 * @example
 * ```ts
 * composeComparison(ctx).split('\n')[0]; // '# The Kindle vs the Kobo Clara: Prices Compared'
 * ```
 */
export function composeComparison(ctx: ComposeContext, points: readonly string[]): string {
  const { items, aspect } = ctx.request;
  const criteria = criteriaFor(aspect);
  const on = aspect ?? 'what matters most';
  const title = `# ${capitalize(items.join(' vs '))}${aspect ? `: ${titleCase(aspect)} Compared` : ': A Comparison'}`;
  const intro = `Choosing between ${joinItems(items)} comes down to ${on}. This comparison puts them side by side on the same terms, so the differences are easy to see.`;
  const perItem = items.map(
    (item, i) =>
      `${i === 0 ? `For ${item}, check ${criteria[0]} first` : `For ${item}, check the same things in the same order: ${criteria[0]} first`}, then ${criteria[1]}. ${
        points[i] ?? `Any figure for ${item} should carry the date it was checked.`
      }`,
  );
  const table = [
    `| | ${items.join(' | ')} |`,
    `|---|${items.map(() => '---').join('|')}|`,
    ...criteria.map((c) => `| ${capitalize(c)} | ${items.map(() => 'check and note the date').join(' | ')} |`),
  ].join('\n');
  const verdict = `Verdict: neither ${items.length === 2 ? 'of the two' : 'option'} wins on every count. If ${on} ${/s$/.test(on) ? 'are' : 'is'} the deciding factor, compare the current figures for ${joinItems(items)} from the table above on the same day, and weigh ${criteria[2]} before you decide.`;
  return [title, intro, ...perItem, table, verdict].join('\n\n');
}

/**
 * An answer-shaped text for a question: the question as the title, a direct short answer first,
 * then the reasons, then a bottom line. Once a tool has answered (see `quotedResult`), the short
 * answer is its result.
 *
 * @example
 * ```ts
 * composeAnswer(ctx, points).split('\n\n')[1].startsWith('Short answer:'); // true
 * ```
 */
export function composeAnswer(ctx: ComposeContext, points: readonly string[]): string {
  const q = ctx.request.text.replace(/[.!]+$/, '');
  const question = /\?$/.test(q) ? q : `${q}?`;
  if (ctx.quotedResult !== undefined) {
    // The tool's result is the answer; the reasons would only be guesses around it.
    return [
      `# ${capitalize(question)}`,
      `Short answer: ${ctx.quotedResult}`,
      'Bottom line: that is what the tool returned for this question; ask again with other details to look up something else.',
    ].join('\n\n');
  }
  const word = /^(\w+)/.exec(q)?.[1]?.toLowerCase() ?? '';
  const short =
    word === 'why'
      ? fill('Short answer: a few causes work together, and the most important one comes first below.', ctx)
      : word === 'how'
        ? fill('Short answer: it works in a few steps that build on each other, set out in order below.', ctx)
        : ['is', 'are', 'can', 'should', 'does', 'do', 'will', 'would', 'could', 'was', 'were', 'has', 'have', 'did'].includes(word)
          ? 'Short answer: it depends on the case, and the points below say which way it goes and when.'
          : fill('Short answer: {s} {is} best explained by what {it} {v:does:do}, where {it} {v:is:are} used and where {it} {v:falls:fall} short.', ctx);
  const reasons = (points.length > 0 ? points.slice(0, 4) : CHECKS[questionType(word)].map((c) => fill(c, ctx))).map((p) => `- ${p}`);
  return [
    `# ${capitalize(question)}`,
    short,
    ...(reasons.length ? [`The reasons:\n${reasons.join('\n')}`] : []),
    fill('Bottom line: the answer holds for the usual case; check the points above against your own situation before relying on it.', ctx),
  ].join('\n\n');
}

const CHECKS = {
  why: ['The underlying cause: what builds up or changes in {s} before it happens.', 'The trigger: what tips it over at a particular moment.', 'The conditions: why it happens in some cases and not in others.'],
  how: ['The parts involved in {s} and what each one does.', 'The order in which they act, step by step.', 'What limits or controls the process, and what happens when that fails.'],
  yesno: ['When the answer is yes, and what that depends on.', 'When it is no, and why.', 'What evidence would settle it for your own case.'],
  what: ['What {s} {is}, in one sentence.', 'What {it} {v:is:are} used for, with a typical example.', 'Where {it} {v:falls:fall} short, and what is used instead.'],
} as const;

function questionType(word: string): keyof typeof CHECKS {
  if (word === 'why') return 'why';
  if (word === 'how') return 'how';
  if (['is', 'are', 'can', 'should', 'does', 'do', 'will', 'would', 'could', 'was', 'were', 'has', 'have', 'did'].includes(word)) return 'yesno';
  return 'what';
}

/**
 * A reply to a support ticket: it acknowledges the problem in the customer's words, gives the
 * next steps for its kind (billing or technical), and asks for what is still needed.
 *
 * @example
 * ```ts
 * composeReply(ctx).startsWith('Hello,'); // true
 * ```
 */
export function composeReply(ctx: ComposeContext): string {
  const issue = ctx.request.text.replace(/[.!?]+$/, '').replace(/^(?:hi|hello|hey)[,!]?\s*/i, '');
  const problem = toSecondPerson(issue.replace(/[,;]?\s*(?:please|can you|could you|thanks|thank you)\b.*$/i, '')).replace(/^./, (c) => c.toLowerCase());
  const steps =
    ctx.request.domain === 'billing'
      ? [
          'We check the account for duplicate or unexpected charges against your invoices.',
          'Any charge made in error is refunded to the original payment method; refunds usually show on your statement within 5 to 10 business days.',
          'You receive a confirmation email with the refund amount once it is issued.',
        ]
      : ctx.request.domain === 'technical'
        ? [
            'Update the app to the latest version and restart the device.',
            'Clear the app cache (or reinstall the app), then try the same action again.',
            'If it still fails, note the exact time it happened so we can find it in the crash logs.',
          ]
        : ['We look into the details you sent.', 'We reply with what we found and what happens next.'];
  const ask =
    ctx.request.domain === 'billing'
      ? 'To speed this up, please reply with the invoice number and the date of each charge (never the full card number).'
      : ctx.request.domain === 'technical'
        ? 'To help us reproduce it, please reply with your device model, operating system version and app version.'
        : 'If there is anything else we should know, just reply to this message.';
  return [
    'Hello,',
    `Thank you for getting in touch, and sorry for the trouble: ${problem}.`,
    `Here is what happens next:\n${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}`,
    ask,
    'Best regards,\nSupport team',
  ].join('\n\n');
}

/** The customer's words as the reply says them back: "I open" → "you open", "my" → "your". */
function toSecondPerson(text: string): string {
  const swap: Record<string, string> = { i: 'you', "i'm": "you're", "i've": "you've", "i'd": "you'd", me: 'you', my: 'your', mine: 'yours', myself: 'yourself', am: 'are' };
  return text.replace(/\b(?:I'm|I've|I'd|I|me|my|mine|myself)\b|\bam\b(?=\s)/gi, (w) => swap[w.toLowerCase()] ?? w);
}

function criteriaFor(aspect: string | undefined): readonly [string, string, string] {
  const found = aspect ? CRITERIA.find(([re]) => re.test(aspect))?.[1] : undefined;
  const list = found ?? GENERAL_CRITERIA;
  return [list[0] ?? '', list[1] ?? '', list[2] ?? ''];
}

/** "A and B", "A, B and C". */
export function joinItems(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
