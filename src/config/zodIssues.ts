import type { z } from 'zod';
import { STEP_TAG, workflowKinds } from './schema.js';
import { fieldPath, type FileIssue, type SourceFile } from './source.js';
import { closest, didYouMean } from './suggest.js';

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/**
 * Parse options that make zod report inputs and remember, for each object with unknown keys,
 * the keys its schema allows (so a misspelt key gets a suggestion).
 */
export function parseOptions(): { options: z.core.ParseContext<z.core.$ZodIssue>; allowed: WeakMap<object, string[]> } {
  const allowed = new WeakMap<object, string[]>();
  const error = (iss: z.core.$ZodRawIssue) => {
    const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
    if (iss.code === 'unrecognized_keys' && typeof iss.input === 'object' && iss.input && shape) {
      allowed.set(iss.input, Object.keys(shape).filter((k) => k !== STEP_TAG));
    }
    return undefined;
  };
  return { options: { reportInput: true, error }, allowed };
}

const article: Record<string, string> = { string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'a mapping', record: 'a mapping' };

/** A short description of a value as written in the file. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'a mapping' : typeof v;
}

const missing = (iss: Issue) => iss.code === 'invalid_type' && iss.input === undefined;
const wrongShape = (iss: Issue) => iss.path.length === 0 && (iss.code === 'invalid_type' || iss.code === 'invalid_value');

/** The issues of the union option that came closest to matching. */
function bestOption(options: Issue[][]): Issue[] {
  const score = (o: Issue[]) => (o.some(wrongShape) ? 1000 : 0) + o.length;
  return [...options].sort((a, b) => score(a) - score(b))[0] ?? [];
}

function message(iss: Issue): string {
  switch (iss.code) {
    case 'invalid_type':
      return missing(iss) ? 'required field missing' : `expected ${article[iss.expected] ?? iss.expected}, got ${describe(iss.input)}`;
    case 'too_small':
    case 'too_big': {
      const bound = iss.code === 'too_small' ? iss.minimum : iss.maximum;
      if (iss.origin === 'array' || iss.origin === 'string') {
        return iss.code === 'too_small' && Number(bound) === 1 ? 'must not be empty' : `must have ${iss.code === 'too_small' ? 'at least' : 'at most'} ${bound} ${iss.origin === 'array' ? 'items' : 'characters'}`;
      }
      const op = iss.code === 'too_small' ? (iss.inclusive ? '>=' : '>') : iss.inclusive ? '<=' : '<';
      return `must be ${op} ${bound}, got ${describe(iss.input)}`;
    }
    case 'invalid_value': {
      const values = iss.values.map((v) => `'${String(v)}'`).join(' or ');
      const hint = typeof iss.input === 'string' ? didYouMean(iss.input, iss.values.map(String)) : '';
      return `expected ${values}, got ${describe(iss.input)}${hint}`;
    }
    default:
      return iss.message;
  }
}

/** Translate zod issues into located file issues, with suggestions. */
export function fileIssues(issues: readonly Issue[], source: SourceFile, allowed: WeakMap<object, string[]>, prefix: Path = []): FileIssue[] {
  const out: FileIssue[] = [];
  const add = (path: Path, text: string) => out.push({ file: source.file, ...source.locate(path), field: fieldPath(path), message: text });
  const suggested = new Set<string>();
  for (const iss of issues) {
    const path = [...prefix, ...iss.path];
    if (iss.code === 'unrecognized_keys') {
      const known = (typeof iss.input === 'object' && iss.input ? allowed.get(iss.input) : undefined) ?? [];
      for (const key of iss.keys) {
        const near = closest(key, known);
        if (near) suggested.add(fieldPath([...path, near]));
        add([...path, key], `unknown key '${key}'${near ? ` — did you mean '${near}'?` : ` (allowed: ${known.join(', ')})`}`);
      }
    } else if (iss.code === 'invalid_union' && iss.discriminator === 'kind') {
      const input = (iss.input ?? {}) as Record<string, unknown>;
      const list = `(one of ${workflowKinds.join(', ')})`;
      const misspelt = input.kind === undefined ? Object.keys(input).find((k) => closest(k, ['kind']) === 'kind') : undefined;
      if (misspelt) add([...path.slice(0, -1), misspelt], `unknown key '${misspelt}' — did you mean 'kind'?`);
      else if (input.kind === undefined) add(path, `required field missing ${list}`);
      else add(path, `unknown workflow kind ${describe(input.kind)}${typeof input.kind === 'string' ? didYouMean(input.kind, workflowKinds) : ''} ${list}`);
    } else if (iss.code === 'invalid_union' && iss.errors.length > 0) {
      out.push(...fileIssues(bestOption(iss.errors), source, allowed, path));
    } else {
      add(path, message(iss));
    }
  }
  // A misspelt key explains the "required field missing" of the key it was meant to be.
  return out.filter((i) => !(i.message === 'required field missing' && suggested.has(i.field)));
}
