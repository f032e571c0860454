import { ValidationError } from '../../errors.js';

/** A global position of the postgres store: the writing transaction and the row's sequence number. */
export interface PgPosition {
  /** `transaction_id` (xid8) as a decimal string. */
  xid: string;
  /** `global_position` (bigint) as a decimal string. */
  seq: string;
}

const XID_DIGITS = 20; // xid8 < 2^64
const SEQ_DIGITS = 19; // bigint < 2^63
const MAX_XID = 2n ** 64n - 1n;
const MAX_SEQ = 2n ** 63n - 1n;

/**
 * Encode a position as `<xid>:<seq>`, both zero-padded decimals of fixed width (20 and 19
 * digits), e.g. `00000000000000000751:0000000000000000042`. Callers treat it as opaque; the fixed
 * width also makes plain string comparison agree with the store's order.
 */
export function encodePosition(xid: string, seq: string): string {
  return `${xid.padStart(XID_DIGITS, '0')}:${seq.padStart(SEQ_DIGITS, '0')}`;
}

/** Parse a token of {@link encodePosition}; anything else is a {@link ValidationError}. */
export function decodePosition(token: string): PgPosition {
  const m = /^(\d{1,20}):(\d{1,19})$/.exec(token);
  const xid = m ? BigInt(m[1]!) : -1n;
  const seq = m ? BigInt(m[2]!) : -1n;
  if (xid < 0n || xid > MAX_XID || seq < 0n || seq > MAX_SEQ) {
    throw new ValidationError(
      `'${token}' is not a global position of a postgres store (expected <transaction id>:<sequence>)`,
      { path: 'from' },
    );
  }
  return { xid: xid.toString(), seq: seq.toString() };
}
