/** Small pure text helpers used by the offline model's composers. */

const SMALL_WORDS = new Set(['a', 'an', 'and', 'as', 'at', 'but', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with', 'vs', 'via']);

/**
 * Title-case a phrase, keeping words that already carry capitals (`AI`, `GraphQL`) as they are.
 *
 * @example
 * ```ts
 * titleCase('the future of AI in healthcare'); // 'The Future of AI in Healthcare'
 * ```
 */
export function titleCase(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word, i) => {
      if (/[A-Z]/.test(word)) return word;
      if (i > 0 && SMALL_WORDS.has(word.toLowerCase())) return word.toLowerCase();
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join(' ');
}

/**
 * Upper-case the first letter of a sentence.
 *
 * @example
 * ```ts
 * capitalize('quantum computing'); // 'Quantum computing'
 * ```
 */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Cut `text` to at most `max` characters on a word boundary, adding an ellipsis when cut.
 *
 * @example
 * ```ts
 * clip('one two three four', 10); // 'one two…'
 * ```
 */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, Math.max(1, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * Remove the indentation shared by all non-blank lines (framing text built from template
 * literals is often indented).
 *
 * @example
 * ```ts
 * dedent('    a\n      b'); // 'a\n  b'
 * ```
 */
export function dedent(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(common, l.length - l.trimStart().length))).join('\n').trim();
}

/**
 * Split prose into sentences (keeps the final punctuation).
 *
 * @example
 * ```ts
 * sentences('One. Two! Three?'); // ['One.', 'Two!', 'Three?']
 * ```
 */
export function sentences(text: string): string[] {
  return (text.replace(/\s+/g, ' ').match(/[^.!?]+(?:[.!?]+|$)/g) ?? [])
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Make a sentence end with terminal punctuation.
 *
 * @example
 * ```ts
 * asSentence('Costs fell'); // 'Costs fell.'
 * ```
 */
export function asSentence(text: string): string {
  const t = text.trim().replace(/[,;:]+$/, '');
  return /[.!?…]$/.test(t) ? t : `${t}.`;
}

/**
 * The points made in a piece of text: its bullet or numbered lines when it has any, else its
 * sentences. Headings, labels ending in `:` and the revision header are left out.
 *
 * @example
 * ```ts
 * keyPoints('Findings:\n- Costs fell.\n- Adoption grew.'); // ['Costs fell.', 'Adoption grew.']
 * ```
 */
export function keyPoints(text: string, max = 6): string[] {
  const lines = text.split('\n').map((l) => l.trim());
  const bullets = lines
    .filter((l) => /^(?:[-*•]|\d+[.)])\s+/.test(l))
    .map((l) => l.replace(/^(?:[-*•]|\d+[.)])\s+/, '').trim())
    .filter((l) => l.length > 12 && !/:$/.test(l));
  if (bullets.length >= 2) return bullets.slice(0, max).map(asSentence);
  const prose = lines
    .filter((l) => l !== '' && !l.startsWith('#') && !/:$/.test(l) && !/^Revised draft \(/.test(l))
    .join(' ');
  return sentences(prose)
    .filter((s) => s.length > 24)
    .slice(0, max);
}

/**
 * Paragraphs of a piece of text (blank-line separated, trimmed, empty ones dropped).
 *
 * @example
 * ```ts
 * paragraphs('a\n\n\nb'); // ['a', 'b']
 * ```
 */
export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/**
 * Approximate token count the offline model reports: one token per four characters.
 *
 * @example
 * ```ts
 * tokenCount('abcdefgh'); // 2
 * ```
 */
export function tokenCount(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * Count the non-overlapping occurrences of `needle` in `text`.
 *
 * @example
 * ```ts
 * countOccurrences('(revision 1) … (revision 2)', '(revision '); // 2
 * ```
 */
export function countOccurrences(text: string, needle: string): number {
  if (needle === '') return 0;
  let count = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) count++;
  return count;
}

/**
 * How many revisions a conversation has been through: the number of `(revision ` markers, or
 * the highest `(revision K)` / `Reviewed revision K` number when that is larger (framings that
 * pass only the latest draft or only the critique still count up).
 *
 * @example
 * ```ts
 * revisionLevel('Revised draft (revision 1):\n…\nRevised draft (revision 2):'); // 2
 * revisionLevel('Critique: …\nReviewed revision 2 of the draft.'); // 2
 * ```
 */
export function revisionLevel(text: string): number {
  let level = countOccurrences(text, '(revision ');
  for (const m of text.matchAll(/\(revision (\d+)\)|\bReviewed revision (\d+)\b/g)) {
    level = Math.max(level, Number(m[1] ?? m[2] ?? 0));
  }
  return level;
}
