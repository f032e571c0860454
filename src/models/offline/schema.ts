import type { Chooser } from './hash.js';
import { clip, keyPoints } from './text.js';

/** What the schema filler draws values from. */
export interface SchemaHints {
  readonly subject: string;
  readonly title: string;
  /** The role text the model would have written as plain output. */
  readonly text: string;
  readonly rng: Chooser;
  /** Preferred enum values (e.g. the strategy role's classification). */
  readonly preferred?: readonly string[];
  /** Value for boolean fields named like approval (`approved`, `accept`, `done`…). */
  readonly approved?: boolean;
}

type Schema = Record<string, unknown>;

const STOP = new Set(['the', 'and', 'for', 'with', 'about', 'how', 'what', 'why', 'its', 'into', 'from']);

/**
 * A deterministic value satisfying a simple JSON schema: objects get every property, strings
 * are drawn from the role text by field name, numbers respect bounds, enums prefer the hinted
 * values, arrays honour `minItems`/`maxItems`, and `$ref`s into `$defs`/`definitions` resolve.
 *
 * @example
 * ```ts
 * fillSchema({ type: 'object', properties: { title: { type: 'string' }, score: { type: 'integer', minimum: 1, maximum: 5 } } }, hints);
 * // { title: 'Quantum Computing', score: 3 }
 * ```
 */
export function fillSchema(schema: unknown, hints: SchemaHints): unknown {
  const root = isSchema(schema) ? schema : {};
  return fill(root, root, hints, '', 0);
}

function fill(schema: Schema, root: Schema, hints: SchemaHints, key: string, depth: number): unknown {
  if (depth > 8) return null;
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const target = resolveRef(root, ref);
    return target ? fill(target, root, hints, key, depth + 1) : null;
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    const values = schema.enum as unknown[];
    const preferred = values.find((v) => typeof v === 'string' && hints.preferred?.includes(v));
    return preferred ?? values[hints.rng.int(`enum:${key}`, values.length)];
  }
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[combinator];
    if (Array.isArray(options)) {
      const chosen = options.filter(isSchema).find((o) => o.type !== 'null');
      if (chosen) return fill({ ...chosen, ...withoutCombinator(schema, combinator) }, root, hints, key, depth + 1);
    }
  }
  const types = Array.isArray(schema.type) ? (schema.type as unknown[]) : [schema.type];
  const type = types.find((t) => typeof t === 'string' && t !== 'null') ?? (isSchema(schema.properties) ? 'object' : undefined);
  switch (type) {
    case 'object':
      return fillObject(schema, root, hints, depth);
    case 'array':
      return fillArray(schema, root, hints, key, depth);
    case 'string':
      return fillString(schema, hints, key);
    case 'integer':
    case 'number':
      return fillNumber(schema, hints, key, type === 'integer');
    case 'boolean':
      return /approv|accept|pass|ok\b|done|complete|valid|ready/i.test(key) ? (hints.approved ?? true) : hints.rng.int(`bool:${key}`, 2) === 1;
    case 'null':
      return null;
    default:
      return types.includes('null') ? null : fillString(schema, hints, key);
  }
}

function fillObject(schema: Schema, root: Schema, hints: SchemaHints, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const properties = isSchema(schema.properties) ? schema.properties : {};
  for (const [name, sub] of Object.entries(properties)) {
    out[name] = fill(isSchema(sub) ? sub : {}, root, hints, name, depth + 1);
  }
  return out;
}

function fillArray(schema: Schema, root: Schema, hints: SchemaHints, key: string, depth: number): unknown[] {
  const min = num(schema.minItems) ?? 0;
  const max = num(schema.maxItems) ?? Math.max(min, 3);
  const count = Math.min(max, Math.max(min, depth > 4 ? 0 : 2 + hints.rng.int(`len:${key}`, 2)));
  const items = isSchema(schema.items) ? schema.items : {};
  const points = /tag|keyword|label|topic/i.test(key)
    ? [...new Set([...hints.subject.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 2 && !STOP.has(w)), ...(hints.preferred ?? [])])]
    : textPoints(hints.text);
  return Array.from({ length: count }, (_, i) => {
    if (items.type === 'string' && !Array.isArray(items.enum) && !items.format) {
      return constrain(items, points[i] ?? `${clip(hints.subject, 60)}: point ${i + 1}`);
    }
    return fill(items, root, hints, `${key}[${i}]`, depth + 1);
  });
}

function fillString(schema: Schema, hints: SchemaHints, key: string): string {
  switch (schema.format) {
    case 'date-time':
      return '2024-01-01T00:00:00.000Z';
    case 'date':
      return '2024-01-01';
    case 'time':
      return '00:00:00';
    case 'email':
      return 'offline@example.com';
    case 'uri':
    case 'url':
      return `https://example.com/${hints.subject.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'topic'}`;
    case 'uuid': {
      const h = hints.rng.int(`uuid:${key}`, 0xffffffff).toString(16).padStart(8, '0');
      return `${h}-0000-4000-8000-${h}${h.slice(0, 4)}`;
    }
  }
  const k = key.toLowerCase();
  let value: string;
  if (/title|headline|^name$|heading/.test(k)) value = hints.title;
  else if (/topic|subject|query|search|term|keyword|^q$/.test(k)) value = hints.subject;
  else if (/reason|rationale|explanation|why/.test(k)) {
    value = /^(?:Reason|Rationale):\s*(.+)$/im.exec(hints.text)?.[1] ?? textPoints(hints.text)[0] ?? hints.text;
  }
  else if (/summary|abstract|tldr/.test(k)) value = clip(hints.text, 280);
  else value = hints.text;
  return constrain(schema, value);
}

/** Bullet lines of a text, else its substantial lines (labels like `Reason:` stripped), else sentences. */
function textPoints(text: string): string[] {
  const bullets = keyPoints(text, 8);
  const lines = text
    .split('\n')
    .map((l) => l.trim().replace(/^[A-Z][A-Za-z' ]{0,20}:\s+/, ''))
    .filter((l) => l.length > 24 && !l.startsWith('#') && !l.endsWith(':'));
  return text.split('\n').some((l) => /^\s*(?:[-*•]|\d+[.)])\s+/.test(l)) ? bullets : lines.length > 0 ? lines : bullets;
}

/** A string fitted to a schema's `minLength` (padded) and `maxLength` (clipped). */
export function constrain(schema: Schema, value: string): string {
  const min = num(schema.minLength) ?? 0;
  const max = num(schema.maxLength);
  let out = value.length < min ? value.padEnd(min, '.') : value;
  if (max !== undefined && out.length > max) out = max >= 2 ? clip(out, max) : out.slice(0, max);
  return out;
}

function fillNumber(schema: Schema, hints: SchemaHints, key: string, integer: boolean): number {
  const lo = num(schema.minimum) ?? (num(schema.exclusiveMinimum) !== undefined ? (num(schema.exclusiveMinimum) ?? 0) + 1 : 0);
  const hiRaw = num(schema.maximum) ?? (num(schema.exclusiveMaximum) !== undefined ? (num(schema.exclusiveMaximum) ?? 0) - 1 : lo + 100);
  const hi = Math.max(lo, hiRaw);
  const low = integer ? Math.ceil(lo) : lo;
  const high = integer ? Math.floor(hi) : hi;
  if (high <= low) return low;
  const span = integer ? high - low + 1 : 1000;
  const pick = hints.rng.int(`num:${key}`, span);
  return integer ? low + pick : Math.round((low + ((high - low) * pick) / 999) * 100) / 100;
}

export function resolveRef(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter(Boolean)) {
    if (!isSchema(node)) return undefined;
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchema(node) ? node : undefined;
}

function withoutCombinator(schema: Schema, combinator: string): Schema {
  const { [combinator]: _omit, ...rest } = schema;
  return rest;
}

export function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema keyword's value when it is a finite number. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
