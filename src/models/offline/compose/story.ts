/** The writer's story form, for agents whose type or instructions ask for a creative piece. */
import type { ComposeContext } from './context.js';
import { fill } from './context.js';

const NAMES = ['Mara', 'Tomas', 'Ines', 'Kofi', 'Lena', 'Ravi'] as const;
const PLACES = ['a small harbour town', 'a village at the edge of the hills', 'a busy city street before dawn', 'a quiet library on the coast'] as const;
const TITLES = ['{S}: A Story', 'The Day {S} Came Home', 'What {S} Taught Me', 'A Tale of {S}'] as const;

/**
 * A short story about the subject: a named character in a place meets the subject, the
 * research points become what they learn along the way, and the ending turns back to the
 * opening image.
 *
 * @example
 * ```ts
 * composeStory(ctx, points).split('\n')[0]; // '# Renewable Energy: A Story'
 * ```
 */
export function composeStory(ctx: ComposeContext, points: readonly string[]): string {
  const name = ctx.rng.pick('story-name', NAMES);
  const place = ctx.rng.pick('story-place', PLACES);
  const learned = points.slice(0, 2).map((p) => p.replace(/\.$/, ''));
  return [
    `# ${fill(ctx.rng.pick('story-title', TITLES), ctx)}`,
    fill(`${name} grew up in ${place}, where people talked about {s} the way they talked about the weather: often, and without ever quite looking at {it}.`, ctx),
    fill(`That changed on an ordinary morning, when ${name} decided to see {s} up close instead of hearing about {it} second-hand. The first thing that stood out was how much smaller and more human the details were than the stories.`, ctx),
    learned.length > 0
      ? `Along the way, ${name} kept a notebook. One page said: "${learned[0]}." Another, written later and underlined twice: "${learned[1] ?? learned[0]}."`
      : fill(`Along the way, ${name} kept a notebook. The first page held a single question about {s}, and by noon every page after it held an answer someone had been glad to share.`, ctx),
    fill(`By evening the notebook was full, and ${name} walked home through ${place} seeing {s} everywhere. Nothing had changed, and everything had: now there was a story to tell about {it}.`, ctx),
  ].join('\n\n');
}

const SECTION_TITLES = ['How it works', 'Trade-offs', 'In practice', 'Open problems'] as const;

/**
 * Headings for the body paragraphs of a technical article (one per paragraph).
 *
 * @example
 * ```ts
 * technicalHeadings(3); // ['## How it works', '## Trade-offs', '## In practice']
 * ```
 */
export function technicalHeadings(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `## ${SECTION_TITLES[Math.min(i, SECTION_TITLES.length - 1)]}`);
}
