/**
 * What a request names, read for a tool call's arguments: places, dates, times, amounts and other
 * numbers, ids, e-mail addresses, links, quoted phrases and proper nouns.
 */

/** A value found in the request, with where it starts (earlier mentions are used first). */
export interface Mention {
  readonly value: string;
  readonly at: number;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const WEEKDAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const CALENDAR_WORDS = new RegExp(`^(?:${MONTH}|${WEEKDAY}|today|tonight|tomorrow|yesterday|usd|eur|gbp|chf)$`, 'i');

/** Words that start a sentence without naming anything ("Book me a train…", "What is…"). */
const STARTERS = new Set(
  ('a an the i my our we you your it this that these those there here what whats where when which who whom whose why how ' +
    'is are was were am be do does did can could would should will shall may might must please kindly hi hello hey thanks ' +
    'book find get show tell give check send refund cancel order buy look search compare list make create write set add ' +
    'remove delete update reserve schedule plan explain help need want let call email ask pay charge fetch lookup convert ' +
    'translate calculate track return open close start stop run move transfer issue weather price forecast remind notify ' +
    'ping invite message text contact alert share sell ship deliver pick drive fly rent hire use note save read play watch ' +
    'convert estimate quote sign register subscribe unsubscribe renew upgrade')
    .split(' '),
);

/** Lower-case words that never name a place ("to my card", "in detail"). */
const NOT_PLACES = new Set(
  ('a an the my our your his her their its me us him them it this that these those some any all every each one two ' +
    'be go get do make have know see buy pay book find check help order orders time detail details total full cash card ' +
    'account person advance stock time english french german spanish euros dollars pounds').split(' '),
);

const CONNECTOR = "(?:de|del|da|do|du|des|la|le|los|las|of|upon|sur|am|an|y|el)";
// A capitalised word that is not the start of an id ("XKZ-204", "A1001").
const CAPITALISED = "(?:[A-Z][\\p{L}\\p{M}'’.-]*|i[A-Z][\\p{L}]*)(?![\\p{L}\\p{M}'’.-]*\\p{N})";
const PROPER = `${CAPITALISED}(?:\\s+(?:${CONNECTOR}\\s+)?${CAPITALISED})*`;
const PLACE_PREPOSITIONS = ['in', 'at', 'to', 'for', 'near', 'into', 'around', 'from', 'via'] as const;

/** Which kind of place a field wants: where to go, where from, or where something is. */
export type PlaceRole = 'to' | 'from' | 'where';

/**
 * The places a request names: capitalised words after "to", "in", "from"…, for `to` (after
 * "to"/"into"), `from` (after "from") or `where` (after "in", "at", "to"… in that order), else any
 * proper noun; a lower-case word after the preposition when nothing is capitalised ("in paris").
 * Months, weekdays and `exclude` (the schema's enum values) are never places.
 *
 * @example
 * ```ts
 * places('Book me a train from Paris to Lyon on 2026-12-24', 'to'); // [{ value: 'Lyon', at: 31 }, …]
 * ```
 */
export function places(text: string, role: PlaceRole, exclude: ReadonlySet<string> = new Set()): Mention[] {
  const preps = role === 'to' ? ['to', 'into'] : role === 'from' ? ['from'] : PLACE_PREPOSITIONS;
  const ok = (v: string) => !CALENDAR_WORDS.test(v) && !exclude.has(v.toLowerCase()) && v !== 'I';
  const found: Mention[] = [];
  for (const prep of preps) {
    const re = new RegExp(`\\b${prep}\\s+(?:the\\s+)?(${PROPER})`, 'gu');
    for (const m of text.matchAll(re)) {
      const value = trimProper(m[1] ?? '');
      if (value && ok(value)) found.push({ value, at: (m.index ?? 0) + m[0].length - (m[1]?.length ?? 0) });
    }
    if (found.length > 0) return found;
  }
  if (role === 'where') {
    const proper = properNouns(text).filter((m) => ok(m.value));
    if (proper.length > 0) return proper;
  }
  for (const prep of preps) {
    const re = new RegExp(`\\b${prep}\\s+([a-z][a-z'-]{2,})\\b`, 'g');
    for (const m of text.matchAll(re)) {
      const word = m[1] ?? '';
      if (!NOT_PLACES.has(word) && ok(word) && !/^\d/.test(word)) found.push({ value: word.charAt(0).toUpperCase() + word.slice(1), at: m.index ?? 0 });
    }
    if (found.length > 0) return found;
  }
  return [];
}

/**
 * Runs of capitalised words ("Lyon", "Kobo Clara", "Rio de Janeiro"), in order; a sentence's first
 * word counts only when it is not a common sentence opener ("Book", "What", "Please").
 *
 * @example
 * ```ts
 * properNouns('Compare the Kindle and the Kobo Clara').map((m) => m.value); // ['Kindle', 'Kobo Clara']
 * ```
 */
export function properNouns(text: string): Mention[] {
  const out: Mention[] = [];
  for (const m of text.matchAll(new RegExp(PROPER, 'gu'))) {
    let value = m[0];
    let at = m.index ?? 0;
    const before = text.slice(0, at);
    if (/(?:^|[.!?:\n]\s*|["“(]\s*)$/.test(before)) {
      const first = /^\S+/.exec(value)?.[0] ?? '';
      if (STARTERS.has(first.toLowerCase().replace(/['’]/g, ''))) {
        const rest = value.slice(first.length).replace(new RegExp(`^\\s+(?:${CONNECTOR}\\s+)?`), '');
        at += value.length - rest.length;
        value = rest;
      }
    }
    value = trimProper(value);
    if (value !== '' && !CALENDAR_WORDS.test(value) && value !== 'I') out.push({ value, at });
  }
  return out;
}

/** A proper-noun run without trailing punctuation or a possessive. */
function trimProper(value: string): string {
  return value.replace(/['’]s$/, '').replace(/[.'’-]+$/, '').trim();
}

/**
 * Dates the request names: ISO dates and date-times first, then "24 December 2026" / "December 24"
 * and words like "tomorrow", "next Friday", "on Monday", as written.
 *
 * @example
 * ```ts
 * dates('a train to Lyon tomorrow').map((m) => m.value); // ['tomorrow']
 * ```
 */
export function dates(text: string): Mention[] {
  const out: Mention[] = [];
  const seen = (at: number) => out.some((m) => at >= m.at && at < m.at + m.value.length);
  const patterns = [
    /\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g,
    new RegExp(`\\b(?:\\d{1,2}(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}|${MONTH}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?)\\b(?:,?\\s+\\d{4}\\b)?`, 'gi'),
    new RegExp(
      `\\b(?:the day after tomorrow|today|tonight|tomorrow(?:\\s+(?:morning|afternoon|evening|night))?|yesterday|` +
        `(?:this|next|last)\\s+(?:${WEEKDAY}|week(?:end)?|month|year|morning|afternoon|evening)|in\\s+(?:\\d+|a|one|two|three|four|five)\\s+(?:days?|weeks?|months?)|${WEEKDAY})\\b`,
      'gi',
    ),
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) if (!seen(m.index ?? 0)) out.push({ value: m[0], at: m.index ?? 0 });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * A date as `YYYY-MM-DD`, when it says its year (ISO, "24 December 2026", "December 24, 2026").
 *
 * @example
 * ```ts
 * isoDate('December 24, 2026'); // '2026-12-24'
 * isoDate('tomorrow');          // undefined
 * ```
 */
export function isoDate(value: string): string | undefined {
  const iso = /^(\d{4}-\d{2}-\d{2})/.exec(value)?.[1];
  if (iso) return iso;
  const year = /\b(\d{4})$/.exec(value)?.[1];
  const day = /\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)/.exec(value.replace(/\b\d{4}$/, ''))?.[1];
  const month = new RegExp(MONTH, 'i').exec(value)?.[0].toLowerCase();
  const index = month ? MONTHS.findIndex((name) => name.startsWith(month.slice(0, 3))) : -1;
  if (!year || !day || index < 0) return undefined;
  return `${year}-${String(index + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** Times the request names, as `HH:MM` (`3pm` → `15:00`, `09:30` → `09:30`). */
export function times(text: string): Mention[] {
  const out: Mention[] = [];
  for (const m of text.matchAll(/\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|(?<![\d-])\b(\d{1,2}):(\d{2})\b/gi)) {
    let hour = Number(m[1] ?? m[4]);
    const minute = m[2] ?? m[5] ?? '00';
    const half = m[3]?.toLowerCase();
    if (half === 'pm' && hour < 12) hour += 12;
    if (half === 'am' && hour === 12) hour = 0;
    if (hour < 24) out.push({ value: `${String(hour).padStart(2, '0')}:${minute}`, at: m.index ?? 0 });
  }
  return out;
}

/** Amounts of money: `$40`, `€12.50`, `40 EUR`, `15 dollars` (the number, as text, where its digits start). */
export function amounts(text: string): Mention[] {
  const out: Mention[] = [];
  const re = /[$€£]\s*(\d+(?:[.,]\d{1,2})?)|\b(\d+(?:[.,]\d{1,2})?)\s*(?:usd|eur|gbp|chf|dollars?|euros?|pounds?|bucks)\b/gi;
  for (const m of text.matchAll(re)) out.push({ value: (m[1] ?? m[2] ?? '').replace(',', '.'), at: (m.index ?? 0) + m[0].search(/\d/) });
  return out;
}

const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12, twenty: 20 };

/**
 * The numbers a request names outside dates, times and ids ("2 adults", "three nights", "$40").
 *
 * @example
 * ```ts
 * numbers('2 tickets for 2026-12-24, order A1001').map((m) => m.value); // ['2']
 * ```
 */
export function numbers(text: string): Mention[] {
  const taken = [...dates(text), ...times(text), ...ids(text)].map((m) => [m.at, m.at + m.value.length + 1] as const);
  const inside = (at: number) => taken.some(([from, to]) => at >= from && at < to);
  const out: Mention[] = [];
  for (const m of text.matchAll(/(?<![\w.#-])\d+(?:[.,]\d+)?(?![\w-]|:\d)/g)) {
    if (!inside(m.index ?? 0)) out.push({ value: m[0].replace(',', '.'), at: m.index ?? 0 });
  }
  for (const m of text.matchAll(new RegExp(`\\b(?:${Object.keys(NUMBER_WORDS).join('|')})\\b`, 'gi'))) {
    out.push({ value: String(NUMBER_WORDS[m[0].toLowerCase()]), at: m.index ?? 0 });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The number right next to one of `words` ("2 adults", "adults: 2", "3 nights"), if any.
 *
 * @example
 * ```ts
 * numberNear('two adults and 3 children', ['children'])?.value; // '3'
 * ```
 */
export function numberNear(text: string, words: readonly string[]): Mention | undefined {
  const all = numbers(text);
  for (const word of words.filter((w) => w.length > 2)) {
    const stem = word.replace(/(?:ies|es|s)$/, '');
    const after = new RegExp(`\\b${stem}\\w*\\s*(?:[:=]|of|is)?\\s*$`, 'i');
    const before = new RegExp(`^\\s*(?:[a-z]+\\s+)?${stem}`, 'i');
    for (const m of all) {
      const end = m.at + lengthAt(text, m.at);
      if (before.test(text.slice(end, end + word.length + 12)) || after.test(text.slice(Math.max(0, m.at - word.length - 6), m.at))) return m;
    }
  }
  return undefined;
}

function lengthAt(text: string, at: number): number {
  return /^\S+/.exec(text.slice(at))?.[0].replace(/[.,;:!?]+$/, '').length ?? 0;
}

/**
 * Ids a request names: after one of `words` ("order 1234", "ticket #T-9"), then `#A1001`, then
 * tokens that mix capitals and digits (`A1001`, `BK-123`).
 *
 * @example
 * ```ts
 * ids('Where is my order #A1001?').map((m) => m.value); // ['A1001']
 * ```
 */
export function ids(text: string, words: readonly string[] = []): Mention[] {
  const out: Mention[] = [];
  const add = (value: string | undefined, at: number) => {
    if (value && !out.some((m) => m.value === value)) out.push({ value, at });
  };
  for (const word of words.filter((w) => w.length > 1 && w !== 'id')) {
    const re = new RegExp(`\\b${word}s?\\s*(?:#|no\\.?|number|num|id|ref|code)?\\s*[:#]?\\s*([A-Za-z0-9][A-Za-z0-9-]*\\d[A-Za-z0-9-]*)`, 'gi');
    for (const m of text.matchAll(re)) if (!/^\d{4}-\d{2}-\d{2}$/.test(m[1] ?? '')) add(m[1], m.index ?? 0);
  }
  for (const m of text.matchAll(/#\s*([A-Za-z0-9][A-Za-z0-9-]*)/g)) add(m[1], m.index ?? 0);
  for (const m of text.matchAll(/\b(?=[A-Za-z0-9-]*[A-Z])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b/g)) add(m[0], m.index ?? 0);
  return out;
}

/** E-mail addresses in the request. */
export function emails(text: string): Mention[] {
  return [...text.matchAll(/[\w.+'-]+@[\w-]+(?:\.[\w-]+)+/g)].map((m) => ({ value: m[0], at: m.index ?? 0 }));
}

/** Links in the request (`https://…`). */
export function links(text: string): Mention[] {
  return [...text.matchAll(/\bhttps?:\/\/[^\s"'<>)]+/g)].map((m) => ({ value: m[0].replace(/[.,;:!?]+$/, ''), at: m.index ?? 0 }));
}

/** Phrases in quotes ("…", '…', “…”). */
export function quoted(text: string): Mention[] {
  return [...text.matchAll(/"([^"\n]{1,120})"|“([^”\n]{1,120})”|(?<![\w])'([^'\n]{1,120})'(?![\w])/g)].map((m) => ({
    value: (m[1] ?? m[2] ?? m[3] ?? '').trim(),
    at: m.index ?? 0,
  }));
}

/**
 * Whether the request mentions `phrase` as words (case-insensitive; `_` and `-` read as spaces),
 * and where.
 *
 * @example
 * ```ts
 * mentionAt('Show it in Fahrenheit', 'fahrenheit'); // 11
 * ```
 */
export function mentionAt(text: string, phrase: string): number {
  const words = phrase.toLowerCase().split(/[\s_-]+/).filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return -1;
  const m = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[\\s_-]+')}(?:s|es)?(?![\\p{L}\\p{N}])`, 'iu').exec(text);
  return m ? m.index : -1;
}

/** Whether the words just before `at` negate what follows ("no", "not", "without", "don't"). */
export function negatedAt(text: string, at: number): boolean {
  return /\b(?:no|not|without|don'?t|do not|never|skip|exclude|excluding)\s+(?:\w+\s+)?$/i.test(text.slice(Math.max(0, at - 24), at));
}
