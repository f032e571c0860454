import { ValidationError } from '../errors.js';

/**
 * Where `value` stops being JSON (a function, `undefined`, a class instance, a cycle, a
 * non-finite number), as a path below `path`; undefined when it is JSON throughout.
 */
function notJson(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}, not a JSON number`;
  if (typeof value !== 'object') return `${path} is ${value === undefined ? 'undefined' : `a ${typeof value}`}`;
  if (seen.has(value)) return `${path} refers back to itself (a cycle)`;
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const bad = notJson(value[i], `${path}[${i}]`, seen);
        if (bad) return bad;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) return `${path} is a ${(value as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'}, not a plain object`;
    for (const [k, v] of Object.entries(value)) {
      const bad = notJson(v, `${path}.${k}`, seen);
      if (bad) return bad;
    }
    return undefined;
  } finally {
    seen.delete(value);
  }
}

/**
 * Refuse a run context that is not a JSON object: it is recorded in RunStarted and supplied again from
 * there on replay, resume, fork and continuation, so it must survive the log unchanged.
 * @example
 * ```ts
 * assertRunContext({ user: 'ann' }); // fine
 * assertRunContext({ at: new Date() }); // ValidationError: runContext.at is a Date, not a plain object
 * assertRunContext('ann'); // ValidationError: runContext must be a JSON object
 * ```
 */
export function assertRunContext(value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`runContext must be a JSON object (its fields are what tools read as runContext.context.<field>), got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, { path: 'runContext' });
  }
  const bad = notJson(value, 'runContext', new Set());
  if (bad) throw new ValidationError(`${bad}: the run context must be a JSON value (it is recorded with the run)`, { path: 'runContext' });
}
