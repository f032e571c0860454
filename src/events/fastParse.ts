import type { z } from 'zod';

/** The compiled parser cannot tell: zod decides (and reports the issue when it refuses). */
export const UNSURE: unique symbol = Symbol('unsure');
/** zod refuses the value, for certain (lets a union try its next option). */
const REFUSED: unique symbol = Symbol('refused');

type Result = unknown;
type Parser = (value: unknown, depth: number) => Result;

/** Deeper values are left to zod (which also handles cycles). */
const MAX_DEPTH = 128;

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'undefined' | 'array' | 'object' | 'other';
const ALL_KINDS: readonly Kind[] = ['string', 'number', 'boolean', 'null', 'undefined', 'array', 'object', 'other'];

function kindOf(v: unknown): Kind {
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean' || t === 'undefined') return t;
  if (v === null) return 'null';
  if (t === 'object') return Array.isArray(v) ? 'array' : 'object';
  return 'other';
}

/** A plain object as zod's `isPlainObject` sees one (anything else is left to zod). */
function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const ctor = (v as { constructor?: unknown }).constructor;
  return ctor === Object || typeof ctor !== 'function';
}

interface Def {
  type: string;
  checks?: Array<{ _zod: { def: { check: string; minimum?: number; value?: number; inclusive?: boolean; format?: string } } }>;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  options?: z.ZodType[];
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, unknown>;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A length or bound check of zod, as a predicate; undefined for a check this compiler does not model. */
function checkOf(c: NonNullable<Def['checks']>[number]): ((v: number) => boolean) | undefined {
  const d = c._zod.def;
  if (d.check === 'min_length' && typeof d.minimum === 'number') return (n) => n >= d.minimum!;
  if (d.check === 'greater_than' && typeof d.value === 'number') return d.inclusive ? (n) => n >= d.value! : (n) => n > d.value!;
  if (d.check === 'number_format' && d.format === 'safeint') return (n) => Number.isSafeInteger(n);
  return undefined;
}

class Compiler {
  private readonly parsers = new Map<z.ZodType, Parser>();
  private readonly kinds = new Map<z.ZodType, ReadonlySet<Kind>>();

  parser(schema: z.ZodType): Parser {
    let p = this.parsers.get(schema);
    if (!p) {
      // Through a slot, so that recursive schemas (z.json(), state values) compile once.
      let compiled: Parser | undefined;
      this.parsers.set(schema, (p = (v, d) => (compiled ??= this.build(schema))(v, d)));
    }
    return p;
  }

  /** The kinds of JavaScript value a schema may accept (a union only tries the options that may). */
  private kindsOf(schema: z.ZodType, visiting = new Set<z.ZodType>()): ReadonlySet<Kind> {
    const known = this.kinds.get(schema);
    if (known) return known;
    if (visiting.has(schema)) return new Set(ALL_KINDS);
    visiting.add(schema);
    const def = defOf(schema);
    const inner = (s: z.ZodType | undefined) => (s ? [...this.kindsOf(s, visiting)] : [...ALL_KINDS]);
    const simple: Record<string, Kind[]> = { string: ['string'], number: ['number'], boolean: ['boolean'], null: ['null'], array: ['array'], object: ['object'], record: ['object'] };
    let kinds: Kind[];
    if (simple[def.type]) kinds = simple[def.type]!;
    else if (def.type === 'optional' || def.type === 'default') kinds = [...inner(def.innerType), 'undefined'];
    else if (def.type === 'nullable') kinds = [...inner(def.innerType), 'null'];
    else if (def.type === 'lazy') kinds = inner(def.getter?.());
    else if (def.type === 'union') kinds = (def.options ?? []).flatMap((o) => [...this.kindsOf(o, visiting)]);
    else kinds = [...ALL_KINDS];
    const set = new Set(kinds);
    this.kinds.set(schema, set);
    return set;
  }

  private build(schema: z.ZodType): Parser {
    const def = defOf(schema);
    const checks = (def.checks ?? []).map(checkOf);
    if (checks.some((c) => c === undefined)) return () => UNSURE;
    const passes = (n: number) => checks.every((c) => c!(n));
    switch (def.type) {
      case 'string':
        return (v) => (typeof v === 'string' && passes(v.length) ? v : REFUSED);
      case 'number':
        return (v) => (typeof v === 'number' && Number.isFinite(v) && passes(v) ? v : REFUSED);
      case 'boolean':
        return (v) => (typeof v === 'boolean' ? v : REFUSED);
      case 'null':
        return (v) => (v === null ? v : REFUSED);
      case 'unknown':
      case 'any':
        return (v) => v;
      case 'enum': {
        const values = new Set(Object.values(def.entries ?? {}));
        return (v) => (values.has(v) ? v : REFUSED);
      }
      case 'optional': {
        const inner = this.parser(def.innerType!);
        return (v, d) => (v === undefined ? v : inner(v, d));
      }
      case 'nullable': {
        const inner = this.parser(def.innerType!);
        return (v, d) => (v === null ? v : inner(v, d));
      }
      case 'default': {
        const inner = this.parser(def.innerType!);
        const value = def.defaultValue;
        if (value !== null && typeof value === 'object') return () => UNSURE;
        return (v, d) => (v === undefined ? value : inner(v, d));
      }
      case 'lazy':
        return this.parser(def.getter!());
      case 'union':
        return this.union(def.options ?? []);
      case 'array':
        return this.array(this.parser(def.element!), passes);
      case 'record':
        if (defOf(def.keyType!).type !== 'string' || (defOf(def.keyType!).checks ?? []).length > 0) return () => UNSURE;
        return this.record(this.parser(def.valueType!));
      case 'object':
        return this.object(def);
      default:
        return () => UNSURE;
    }
  }

  private union(options: z.ZodType[]): Parser {
    const byKind = new Map<Kind, Parser[]>(ALL_KINDS.map((k) => [k, options.filter((o) => this.kindsOf(o).has(k)).map((o) => this.parser(o))]));
    return (v, d) => {
      // zod returns the first option that accepts the value; options that cannot are skipped.
      for (const p of byKind.get(kindOf(v))!) {
        const r = p(v, d);
        if (r !== REFUSED) return r;
      }
      return REFUSED;
    };
  }

  private array(element: Parser, passes: (n: number) => boolean): Parser {
    return (v, d) => {
      if (!Array.isArray(v)) return REFUSED;
      if (d > MAX_DEPTH) return UNSURE;
      if (!passes(v.length)) return REFUSED;
      let out: unknown[] | undefined;
      let unsure = false;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        const r = element(x, d + 1);
        if (r === REFUSED) return REFUSED;
        if (r === UNSURE) unsure = true;
        else if (r !== x) (out ??= v.slice())[i] = r;
      }
      return unsure ? UNSURE : (out ?? v);
    };
  }

  private record(value: Parser): Parser {
    return (v, d) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return REFUSED;
      if (!isPlain(v) || d > MAX_DEPTH || Object.getOwnPropertySymbols(v).length > 0) return UNSURE;
      const o = v as Record<string, unknown>;
      let out: Record<string, unknown> | undefined;
      let unsure = false;
      for (const k in o) {
        if (k === '__proto__') return UNSURE;
        const x = o[k];
        const r = value(x, d + 1);
        if (r === REFUSED) return REFUSED;
        if (r === UNSURE) unsure = true;
        else if (r !== x) (out ??= { ...o })[k] = r;
      }
      return unsure ? UNSURE : (out ?? v);
    };
  }

  private object(def: Def): Parser {
    const keys = Object.keys(def.shape ?? {});
    const fields = keys.map((k) => this.parser(def.shape![k]!));
    const index = new Map(keys.map((k, i) => [k, i]));
    const catchall = def.catchall && defOf(def.catchall).type;
    if (catchall !== undefined && catchall !== 'never') return () => UNSURE;
    const strict = catchall === 'never';
    return (v, d) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return REFUSED;
      if (!isPlain(v) || d > MAX_DEPTH) return UNSURE;
      const o = v as Record<string, unknown>;
      let same = true;
      let unsure = false;
      // Values that differ from the input's (defaults, copies), by shape index; mostly none.
      let changed: Map<number, unknown> | undefined;
      for (let i = 0; i < keys.length; i++) {
        const x = o[keys[i]!];
        const r = fields[i]!(x, d + 1);
        if (r === REFUSED) return REFUSED;
        if (r === UNSURE) unsure = true;
        else if (r !== x) (changed ??= new Map()).set(i, r);
      }
      if (changed) same = false;
      // zod writes the shape's keys in shape order and drops (or, strict, refuses) the others.
      let last = -1;
      for (const k in o) {
        const i = index.get(k);
        if (i === undefined) {
          if (strict) return REFUSED;
          same = false;
        } else if (i < last) same = false;
        else last = i;
      }
      if (unsure) return UNSURE;
      if (same) return v;
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        const value = changed?.has(i) ? changed.get(i) : o[k];
        if (value !== undefined || k in o) out[k] = value;
      }
      return out;
    };
  }
}

/**
 * Compile a zod schema (of the kinds the event catalogue uses) into a parser that returns what
 * `schema.parse` would return, as far as JSON can tell (the same JSON text once stringified), or
 * {@link UNSURE} for anything it does not model (a refused value, a class instance, an unknown
 * check…); zod then parses that value and reports its issue. Much faster than zod on the plain
 * objects the runtime builds and `JSON.parse` returns.
 * @example
 * ```ts
 * const parse = compileParser(z.object({ n: z.number() }));
 * parse({ n: 1 }); // { n: 1 }
 * parse({ n: 'x' }) === UNSURE; // true: ask zod
 * ```
 */
export function compileParser(schema: z.ZodType): (value: unknown) => unknown {
  const parse = new Compiler().parser(schema);
  return (value) => {
    const r = parse(value, 0);
    return r === REFUSED ? UNSURE : r;
  };
}

/** {@link compileParser} for each schema of a catalogue, sharing the compiled sub-schemas. */
export function compileParsers(schemas: Record<string, z.ZodType>): Record<string, (value: unknown) => unknown> {
  const compiler = new Compiler();
  return Object.fromEntries(
    Object.entries(schemas).map(([type, schema]) => {
      const parse = compiler.parser(schema);
      return [type, (value: unknown) => {
        const r = parse(value, 0);
        return r === REFUSED ? UNSURE : r;
      }];
    }),
  );
}
