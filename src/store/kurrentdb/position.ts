import { ValidationError } from '../../errors.js';

/** A position in KurrentDB's `$all` stream: the commit and prepare positions of an event's record. */
export interface KurrentPosition {
  commit: bigint;
  prepare: bigint;
}

const DIGITS = 20; // positions are unsigned 64-bit
const MAX = 2n ** 64n - 1n;

/**
 * Encode an `$all` position as `<commit>/<prepare>`, both zero-padded to 20 digits, e.g.
 * `00000000000000004096/00000000000000004096`. Callers treat the token as opaque; the fixed width
 * also makes plain string comparison agree with the order of `$all`.
 */
export function encodeKurrentPosition(position: KurrentPosition): string {
  return `${position.commit.toString().padStart(DIGITS, '0')}/${position.prepare.toString().padStart(DIGITS, '0')}`;
}

/** Parse a token of {@link encodeKurrentPosition}; anything else is a {@link ValidationError}. */
export function decodeKurrentPosition(token: string): KurrentPosition {
  const m = /^(\d{1,20})\/(\d{1,20})$/.exec(token);
  const commit = m ? BigInt(m[1]!) : -1n;
  const prepare = m ? BigInt(m[2]!) : -1n;
  if (commit < 0n || commit > MAX || prepare < 0n || prepare > MAX) {
    throw new ValidationError(
      `'${token}' is not a global position of a KurrentDB store (expected <commit position>/<prepare position>)`,
      { path: 'from' },
    );
  }
  return { commit, prepare };
}

/** True when `a` comes after `b` in `$all`. */
export function isAfter(a: KurrentPosition, b: KurrentPosition): boolean {
  return a.commit > b.commit || (a.commit === b.commit && a.prepare > b.prepare);
}
