import { ValidationError } from '../errors.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/** The form a duration is written in (workflow files, step options). */
export const DURATION_FORMAT = "a duration such as '30s', '15m', '24h', '2d' or '1h30m' (units ms, s, m, h, d, w)";

/**
 * A duration in milliseconds: a positive number of ms, or text such as `'500ms'`, `'30s'`,
 * `'15m'`, `'24h'`, `'2d'`, `'1w'` or `'1h30m'`.
 * @throws {ValidationError} when it is not a positive duration (`path` is `field`).
 * @example
 * ```ts
 * parseDuration('1h30m'); // 5_400_000
 * ```
 */
export function parseDuration(value: string | number, field = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) throw new ValidationError(`${field} must be a positive number of milliseconds, got ${value}`, { path: field });
    return value;
  }
  const text = value.trim();
  let ms = 0;
  let end = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    end = PART.lastIndex;
  }
  if (text === '' || end !== text.length) throw new ValidationError(`${field}: expected ${DURATION_FORMAT}, got '${value}'`, { path: field });
  if (ms <= 0) throw new ValidationError(`${field} must be longer than 0, got '${value}'`, { path: field });
  return Math.round(ms);
}

/** Whether `value` is a duration {@link parseDuration} accepts. */
export function isDuration(value: string): boolean {
  try {
    parseDuration(value);
    return true;
  } catch {
    return false;
  }
}
