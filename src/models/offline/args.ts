/**
 * A tool call's arguments, read from the request by the parameters' names and JSON Schema types
 * (see {@link toolArguments}).
 */
import { hashHex } from './hash.js';
import {
  amounts, dates, emails, ids, isoDate, links, mentionAt, negatedAt, numberNear, numbers, places, properNouns, quoted, times,
} from './extract.js';
import type { Mention } from './extract.js';
import { constrain, isSchema, num, resolveRef } from './schema.js';
import { clip } from './text.js';

type Schema = Record<string, unknown>;

/** What the arguments are read from. */
export interface ArgumentSource {
  /** The request text. */
  readonly text: string;
  /** The request reduced to the noun phrase it is about. */
  readonly subject: string;
}

/** What a parameter holds, by its name (else its description). */
type Kind =
  | 'datetime' | 'date' | 'time' | 'email' | 'url' | 'phone' | 'id' | 'money' | 'to' | 'from' | 'where' | 'text' | 'query' | 'name' | 'plain';

/** A value for one parameter, and whether the request supplied it (else it is a fallback). */
interface Filled {
  readonly value: unknown;
  readonly found: boolean;
}

interface State {
  readonly source: ArgumentSource;
  readonly root: Schema;
  /** The schema's enum values: never read as places or names. */
  readonly enums: ReadonlySet<string>;
  /** Values already given to a parameter, so the next one takes the next mention. */
  readonly used: Set<string>;
}

const RULES: ReadonlyArray<readonly [Kind, RegExp]> = [
  ['datetime', /\b(?:datetime|timestamp)\b|\bdate time\b/],
  ['date', /\b(?:date|dates|day|when|deadline|due|birthday|dob|checkin|checkout)\b/],
  ['time', /\b(?:time|hour|clock)\b/],
  ['email', /\b(?:email|mail)\b/],
  ['url', /\b(?:url|uri|link|website|homepage|href)\b/],
  ['phone', /\b(?:phone|mobile|tel|telephone)\b/],
  ['id', /\b(?:id|ids|uuid|sku|ref|reference|code)\b|\w (?:number|no|num)$/],
  ['money', /\b(?:amount|price|cost|total|sum|fee|budget|refund|charge|payment|balance|salary|tip)\b/],
  ['to', /\b(?:to|destination|dest|arrival|arriving)\b/],
  ['from', /\b(?:from|origin|departure|departing|source)\b/],
  ['where', /\b(?:city|cities|town|place|places|location|locations|loc|country|region|area|venue|address|where|airport|station)\b/],
  ['text', /\b(?:reason|message|msg|text|body|content|comment|note|notes|description|details|prompt|input|question|request|instructions|feedback|explanation|summary)\b/],
  ['query', /\b(?:query|search|topic|subject|keyword|keywords|term|terms|q|about|title|headline)\b/],
  ['name', /\b(?:name|person|customer|user|passenger|recipient|who|author|contact|guest)\b/],
];

/** The words of a parameter name: `orderId` → `order id`, `departure_city` → `departure city`. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).join(' ');
}

function kindOf(name: string, description: unknown): Kind {
  const byName = RULES.find(([, re]) => re.test(words(name)))?.[0];
  if (byName) return byName;
  const text = typeof description === 'string' ? words(description) : '';
  return RULES.find(([kind, re]) => kind !== 'to' && kind !== 'from' && re.test(text))?.[0] ?? 'plain';
}

/**
 * Arguments for a call of a tool with these parameters, read from the request: places (the
 * capitalised words after "to", "from", "in"…), dates ("2026-12-24", "tomorrow" as written),
 * times, amounts (`$40` → 40) and other numbers, ids (`#A1001`, `order 1234`), e-mail addresses
 * and links, the enum value the request mentions (else the first), booleans the request names,
 * and for other strings a short phrase (a proper noun, a quoted phrase, else the request's
 * subject). Every required parameter gets a value valid for its type and bounds (`null` when it
 * is nullable and the request names nothing for it); an optional one only when the request
 * supplies it. Deterministic: the same request gives the same arguments.
 *
 * @example
 * ```ts
 * toolArguments({ type: 'object', properties: { destination: { type: 'string' }, date: { type: 'string' } }, required: ['destination', 'date'] },
 *   { text: 'Book me a train to Lyon on 2026-12-24', subject: 'Book me a train to Lyon on 2026-12-24' });
 * // { destination: 'Lyon', date: '2026-12-24' }
 * ```
 */
export function toolArguments(schema: unknown, source: ArgumentSource): Record<string, unknown> {
  const root = isSchema(schema) ? schema : {};
  const state: State = { source, root, enums: enumValues(root), used: new Set() };
  return fillObject(root, state, 0).value as Record<string, unknown>;
}

function fillObject(schema: Schema, state: State, depth: number): Filled {
  const out: Record<string, unknown> = {};
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  let found = false;
  for (const [name, sub] of Object.entries(properties)) {
    const { schema: s, nullable } = unwrap(isSchema(sub) ? sub : {}, state.root);
    const filled = fillValue(s, name, state, depth + 1);
    found ||= filled.found;
    if (filled.found) out[name] = filled.value;
    else if (required.has(name)) out[name] = nullable ? null : filled.value;
  }
  return { value: out, found };
}

/** The schema with `$ref`s resolved and a nullable `anyOf` / `type: [T, 'null']` reduced to T. */
function unwrap(schema: Schema, root: Schema, depth = 0): { schema: Schema; nullable: boolean } {
  if (depth > 8) return { schema: {}, nullable: true };
  if (typeof schema.$ref === 'string') return unwrap(resolveRef(root, schema.$ref) ?? {}, root, depth + 1);
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const options = schema[combinator];
    if (!Array.isArray(options)) continue;
    const real = options.filter(isSchema).map((o) => unwrap(o, root, depth + 1));
    const chosen = real.find((o) => o.schema.type !== 'null');
    const { [combinator]: _omit, ...rest } = schema;
    return { schema: { ...rest, ...(chosen?.schema ?? {}) }, nullable: real.some((o) => o.schema.type === 'null' || o.nullable) };
  }
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    return { schema: Object.assign({}, ...allOf.filter(isSchema).map((o) => unwrap(o, root, depth + 1).schema), rest) as Schema, nullable: false };
  }
  if (Array.isArray(schema.type)) {
    const type = (schema.type as unknown[]).find((t) => t !== 'null');
    return { schema: { ...schema, type }, nullable: (schema.type as unknown[]).includes('null') };
  }
  return { schema, nullable: schema.type === 'null' };
}

function fillValue(schema: Schema, name: string, state: State, depth: number): Filled {
  if (depth > 8) return { value: null, found: false };
  if ('const' in schema) return { value: schema.const, found: true };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pickEnum(schema.enum as unknown[], state.source.text);
  const type = schema.type ?? (isSchema(schema.properties) ? 'object' : 'string');
  const kind = kindOf(name, schema.description);
  switch (type) {
    case 'object':
      return fillObject(schema, state, depth);
    case 'array':
      return fillArray(schema, name, state, depth);
    case 'boolean':
      return fillBoolean(name, state.source.text);
    case 'integer':
    case 'number':
      return fillNumber(schema, name, kind, state, type === 'integer');
    case 'null':
      return { value: null, found: false };
    default:
      return fillString(schema, name, kind, state);
  }
}

/** The enum value the request mentions first, else the first value. */
function pickEnum(values: readonly unknown[], text: string): Filled {
  const mentioned = values
    .map((v) => ({ v, at: typeof v === 'string' || typeof v === 'number' ? mentionAt(text, String(v)) : -1 }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  return mentioned ? { value: mentioned.v, found: true } : { value: values[0], found: false };
}

/** True when the request names the flag ("express", "include the forecast") without negating it. */
function fillBoolean(name: string, text: string): Filled {
  const flagWords = words(name).split(' ').filter((w) => w.length > 2 && !['is', 'has', 'include', 'with', 'should', 'use', 'want', 'enable', 'allow'].includes(w));
  for (const word of flagWords) {
    const at = mentionAt(text, word);
    if (at >= 0) return { value: !negatedAt(text, at), found: true };
  }
  return { value: /approv|accept|confirm/.test(name.toLowerCase()), found: false };
}

function fillNumber(schema: Schema, name: string, kind: Kind, state: State, integer: boolean): Filled {
  const { text } = state.source;
  const free = (list: readonly Mention[]) => list.find((m) => !state.used.has(`@${m.at}`));
  let mention: Mention | undefined;
  if (kind === 'id') {
    const id = ids(text, words(name).split(' ')).find((m) => /\d/.test(m.value) && !state.used.has(`@${m.at}`));
    mention = id ? { value: (/\d+/.exec(id.value) ?? [''])[0], at: id.at } : free(numbers(text));
  } else if (kind === 'money') mention = free(amounts(text)) ?? free(numbers(text));
  else {
    const near = numberNear(text, words(name).split(' '));
    mention = near && !state.used.has(`@${near.at}`) ? near : free(numbers(text).filter((n) => !amounts(text).some((a) => a.at === n.at)));
  }
  const lo = num(schema.minimum) ?? (num(schema.exclusiveMinimum) !== undefined ? (num(schema.exclusiveMinimum) ?? 0) + (integer ? 1 : 0.01) : undefined);
  const hi = num(schema.maximum) ?? (num(schema.exclusiveMaximum) !== undefined ? (num(schema.exclusiveMaximum) ?? 0) - (integer ? 1 : 0.01) : undefined);
  const clamp = (n: number) => {
    let v = integer ? Math.round(n) : n;
    if (lo !== undefined && v < lo) v = integer ? Math.ceil(lo) : lo;
    if (hi !== undefined && v > hi) v = integer ? Math.floor(hi) : hi;
    return v;
  };
  if (mention) {
    state.used.add(`@${mention.at}`);
    return { value: clamp(Number(mention.value)), found: true };
  }
  return { value: clamp(lo ?? 1), found: false };
}

function fillArray(schema: Schema, name: string, state: State, depth: number): Filled {
  const min = num(schema.minItems) ?? 0;
  const max = num(schema.maxItems) ?? Math.max(min, 3);
  const { schema: items } = unwrap(isSchema(schema.items) ? schema.items : {}, state.root);
  let values: unknown[];
  let found: boolean;
  if (Array.isArray(items.enum) && items.enum.length > 0) {
    values = (items.enum as unknown[]).filter((v) => typeof v === 'string' && mentionAt(state.source.text, v) >= 0);
    found = values.length > 0;
    if (!found) values = [items.enum[0]];
  } else if (items.type === 'object' || isSchema(items.properties) || items.type === 'array') {
    const first = fillValue(items, name, state, depth + 1);
    values = [first.value];
    found = first.found;
  } else {
    const kind = kindOf(name.replace(/s$/, ''), items.description ?? schema.description);
    const isNumber = items.type === 'integer' || items.type === 'number';
    const list: Filled[] = [];
    for (let i = 0; i < max; i++) {
      const next = isNumber ? fillNumber(items, name, kind, state, items.type === 'integer') : fillString(items, name, kind, state, true);
      if (!next.found || list.some((l) => l.value === next.value)) break;
      list.push(next);
    }
    found = list.length > 0;
    values = found ? list.map((l) => l.value) : [fillValue(items, name, state, depth + 1).value];
  }
  while (values.length < min) values.push(values[values.length - 1] ?? null);
  return { value: values.slice(0, Math.max(max, min)), found };
}

function fillString(schema: Schema, name: string, kind: Kind, state: State, onlyFresh = false): Filled {
  const { text, subject } = state.source;
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const formatted = byFormat(format, text, name);
  const candidates = formatted?.candidates ?? candidatesFor(kind, name, state);
  const fallback = formatted?.fallback ?? (kind === 'id' ? 'unknown' : shortPhrase(subject));
  const fresh = candidates.filter((c) => !state.used.has(c));
  const fits = (v: string) => matches(schema, v);
  const chosen = fresh.find(fits) ?? (onlyFresh ? undefined : candidates.find(fits));
  if (chosen !== undefined) {
    state.used.add(chosen);
    return { value: constrain(schema, chosen), found: true };
  }
  if (onlyFresh && candidates.length > 0) return { value: constrain(schema, fallback), found: false };
  const token = typeof schema.pattern === 'string' ? text.split(/[\s,;()]+/).map((t) => t.replace(/[.?!:]+$/, '')).find((t) => t !== '' && fits(t)) : undefined;
  return token !== undefined ? { value: token, found: true } : { value: constrain(schema, fallback), found: false };
}

/** Strings with a `format` come from the request only in that format; else a fixed placeholder. */
function byFormat(format: string | undefined, text: string, name: string): { candidates: string[]; fallback: string } | undefined {
  switch (format) {
    case 'date':
      return { candidates: dates(text).map((m) => isoDate(m.value)).filter((d): d is string => d !== undefined), fallback: '2024-01-01' };
    case 'date-time':
      return {
        candidates: dates(text).flatMap((m) => (/T\d/.test(m.value) ? [m.value] : isoDate(m.value) ? [`${isoDate(m.value)}T00:00:00Z`] : [])),
        fallback: '2024-01-01T00:00:00.000Z',
      };
    case 'time':
      return { candidates: times(text).map((m) => `${m.value}:00`), fallback: '00:00:00' };
    case 'email':
      return { candidates: emails(text).map((m) => m.value), fallback: 'offline@example.com' };
    case 'uri':
    case 'url':
      return { candidates: links(text).map((m) => m.value), fallback: 'https://example.com/' };
    case 'uuid': {
      const h = hashHex(`${name}|${text}`);
      const found = [...text.matchAll(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi)].map((m) => m[0]);
      return { candidates: found, fallback: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(1, 4)}-${h.slice(4, 16)}` };
    }
    default:
      return undefined;
  }
}

function candidatesFor(kind: Kind, name: string, state: State): string[] {
  const { text, subject } = state.source;
  const values = (list: readonly Mention[]) => list.map((m) => m.value);
  switch (kind) {
    case 'datetime':
    case 'date':
      return values(dates(text));
    case 'time':
      return [...values(times(text)), ...values(dates(text)).filter((d) => /morning|afternoon|evening|night/i.test(d))];
    case 'email':
      return values(emails(text));
    case 'url':
      return values(links(text));
    case 'phone':
      return [...text.matchAll(/\+?\d[\d\s().-]{6,}\d/g)].map((m) => m[0].trim());
    case 'id':
      return values(ids(text, words(name).split(' ')));
    case 'money':
      return values(amounts(text));
    case 'to':
      return [...values(places(text, 'to', state.enums)), ...values(places(text, 'where', state.enums))];
    case 'from':
      return values(places(text, 'from', state.enums));
    case 'where':
      return values(places(text, 'where', state.enums));
    case 'text':
      return [clip(text.split(/\n\s*\n/)[0] ?? text, 200)];
    case 'query':
      return [subject];
    case 'name':
    case 'plain':
      return [...values(quoted(text)), ...values(properNouns(text)).filter((v) => !state.enums.has(v.toLowerCase()))];
  }
}

/**
 * The request's subject without a leading request verb or its dates ("Book me a train to Lyon on
 * 2026-12-24" → "a train to Lyon"), at most 60 characters.
 */
function shortPhrase(subject: string): string {
  let s = subject.replace(/^(?:please\s+)?(?:book|find|get|show|check|send|give|tell|look up|search(?: for)?|order|buy|reserve|schedule|cancel|track)\s+(?:me\s+|us\s+)?/i, '');
  for (const d of dates(s).reverse()) s = `${s.slice(0, d.at).replace(/\s+(?:on|for|at|by|from|until)\s*$/i, '')}${s.slice(d.at + d.value.length)}`;
  s = s.replace(/[\s,.;:?!]+$/, '').trim();
  return clip(s || subject, 60) || 'the request';
}

function matches(schema: Schema, value: string): boolean {
  const min = num(schema.minLength) ?? 0;
  if (value.length < min) return false;
  if (typeof schema.pattern !== 'string') return true;
  try {
    return new RegExp(schema.pattern, 'u').test(value);
  } catch {
    return true;
  }
}

function enumValues(schema: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (depth > 12 || typeof schema !== 'object' || schema === null) return out;
  if (Array.isArray(schema)) {
    for (const s of schema) enumValues(s, out, depth + 1);
    return out;
  }
  const s = schema as Schema;
  if (Array.isArray(s.enum)) for (const v of s.enum) if (typeof v === 'string') out.add(v.toLowerCase());
  for (const [key, value] of Object.entries(s)) if (key !== 'enum') enumValues(value, out, depth + 1);
  return out;
}

