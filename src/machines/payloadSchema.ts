import { z } from 'zod';
import { ValidationError } from '../errors.js';

/** A JSON Schema (draft 2020-12, draft 7 or draft 4) for a signal's payload. */
export type JsonSchema = Record<string, unknown>;

/** `items[0].sku` from `['items', 0, 'sku']`; the empty string for the payload itself. */
function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, k) => (typeof k === 'number' ? `${out}[${k}]` : out ? `${out}.${String(k)}` : String(k)), '');
}

/** Each problem of one issue, at the path of the field it is about. */
function describeIssue(iss: z.core.$ZodIssue): Array<{ path: string; text: string }> {
  if (iss.code === 'unrecognized_keys') return iss.keys.map((k) => ({ path: pathText([...iss.path, k]), text: 'not allowed (additionalProperties)' }));
  const absent = iss.input === undefined && iss.path.length > 0 && (iss.code === 'invalid_type' || iss.code === 'invalid_value' || iss.code === 'invalid_union');
  const text = absent ? 'required field missing' : iss.message;
  return [{ path: pathText(iss.path), text }];
}

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'contains', 'not'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const mapValues = (o: unknown, f: (v: unknown) => unknown) => (isObject(o) ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)])) : o);

/**
 * The schema as zod's converter reads it correctly: `required` names get a property (it checks
 * presence only of declared properties) and arrays without `items` get `items: {}` (it checks
 * `minItems`/`maxItems` only then). Neither changes what the schema means.
 */
function normalize(node: unknown): unknown {
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = { ...node };
  for (const k of SUBSCHEMA_MAPS) if (k in out) out[k] = mapValues(out[k], normalize);
  for (const k of SUBSCHEMAS) if (k in out) out[k] = normalize(out[k]);
  for (const k of SUBSCHEMA_LISTS) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).map(normalize);
  if (Array.isArray(out.required)) {
    const props = isObject(out.properties) ? out.properties : {};
    out.properties = { ...Object.fromEntries(out.required.map((r) => [String(r), {}])), ...props };
  }
  const types = ([] as unknown[]).concat(out.type);
  if (types.includes('array') && out.items === undefined && out.prefixItems === undefined) out.items = {};
  return out;
}

/**
 * The checker of a JSON Schema (zod's `fromJSONSchema`).
 * @throws {ValidationError} (path `field`) when the schema is not one that can be checked:
 * not an object, an unknown `type`, an unresolvable `$ref`, conditionals (`if`/`then`/`else`).
 */
export function compilePayloadSchema(schema: unknown, field = 'schema'): z.ZodType {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new ValidationError(`${field} must be a JSON Schema object`, { path: field });
  }
  try {
    return z.fromJSONSchema(normalize(schema) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (err) {
    throw new ValidationError(`${field}: not a JSON Schema that can be checked: ${(err as Error).message}`, { path: field, cause: err });
  }
}

/**
 * Check a signal's payload against its JSON Schema.
 * @throws {ValidationError} naming each field that does not match; `path` is the first one's
 * path (`items[0].sku`; `(payload)` for the payload as a whole).
 * @example
 * ```ts
 * validatePayload({ type: 'object', required: ['amount'] }, {}, "signal 'paid'");
 * // ValidationError: signal 'paid' payload field amount: required field missing
 * ```
 */
export function validatePayload(schema: JsonSchema, payload: unknown, what = 'signal'): unknown {
  const result = compilePayloadSchema(schema).safeParse(payload, { reportInput: true });
  if (result.success) return payload;
  const problems = result.error.issues.flatMap(describeIssue);
  const shown = problems.map((p) => `${p.path ? `payload field ${p.path}` : 'payload'}: ${p.text}`);
  throw new ValidationError(`${what} ${shown.join('; ')}`, { path: problems[0]?.path || '(payload)' });
}
