import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { errorMessage, ValidationError } from '../errors.js';
import { DURATION_FORMAT, parseDuration } from '../machines/duration.js';

/**
 * The input of `aigen run`: the argument, or stdin when the argument is missing (or `-`) and
 * stdin is not a terminal.
 */
export async function readInput(arg: string | undefined, stdin: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (arg !== undefined && arg !== '-') {
    if (arg.trim() === '') throw new ValidationError('input is empty', { path: 'input' });
    return arg;
  }
  if (stdin.isTTY) {
    throw new ValidationError('no input: pass it as an argument (aigen run <workflow> "…") or pipe it on stdin', { path: 'input' });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (text.trim() === '') throw new ValidationError('input is empty (nothing on stdin)', { path: 'input' });
  return text;
}

/** The text of a file named on the command line; a missing or unreadable file is a usage error (exit 2). */
export function readUserFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : errorMessage(err);
    throw new ValidationError(`cannot read ${file}: ${why}`, { path: file, cause: err });
  }
}

/** Commander parser of a whole number >= `min`. */
export function intOption(min = 0): (value: string) => number {
  return (value) => {
    // Decimal digits only: Number() would also take '0x10', '1e3' and ' 7 '.
    const n = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };
}

/**
 * Commander parser of a duration in milliseconds: a whole number of ms (0 included), or a
 * duration as workflow files write it (`'500ms'`, `'5s'`, `'1m30s'`).
 */
export function durationOption(value: string): number {
  if (/^\d+$/.test(value)) return intOption(0)(value);
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError(`expected milliseconds or ${DURATION_FORMAT}`);
  }
}

/** Commander parser of one of `choices`. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return value as T;
  };
}

/** A TCP port option: 0 to 65535 (0: any free port). */
export function portOption(value: string): number {
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value.trim()) || n > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0: any free port)');
  return n;
}

/**
 * The value of `--run-context <json|@file>`: JSON text, or `@` and a file holding it. It must be a
 * JSON object; anything else is a usage error (exit 2) naming the flag.
 */
export function readRunContext(value: string | undefined, flag = '--run-context'): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const fromFile = value.startsWith('@');
  const text = fromFile ? readUserFile(value.slice(1)) : value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${flag}: ${fromFile ? `${value.slice(1)} does not hold` : 'expected'} JSON (${errorMessage(err)}); e.g. ${flag} '{"user":"ann"}' or ${flag} @context.json`, { path: flag });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError(`${flag}: expected a JSON object, e.g. '{"user":"ann"}'`, { path: flag });
  }
  return parsed as Record<string, unknown>;
}
