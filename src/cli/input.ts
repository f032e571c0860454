import { InvalidArgumentError } from 'commander';
import { ValidationError } from '../errors.js';

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

/** Commander parser of a whole number >= `min`. */
export function intOption(min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };
}

/** Commander parser of one of `choices`. */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return value as T;
  };
}
