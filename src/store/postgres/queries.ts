import type { RawEvent } from '../../events/codec.js';
import type { DriverFilter } from '../driver.js';
import { decodePosition, encodePosition } from './position.js';
import type { SchemaNames } from './schema.js';

/** False for text PostgreSQL cannot store exactly: NUL characters and lone UTF-16 surrogates. */
export function storable(text: string): boolean {
  return !text.includes('\u0000') && !/\p{Cs}/u.test(text);
}

/** Only rows whose transaction has ended and that no still-open transaction can precede. */
export const SAFE = 'e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

// Casts to text keep xid8/bigint exact; they shadow the column names in ORDER BY, hence `e.`.
const COLUMNS = `event_id::text, stream_id, stream_position, transaction_id::text, global_position::text, type, data, metadata`;

/** An events row as selected by these queries. */
export interface EventRow {
  event_id: string;
  stream_id: string;
  stream_position: string;
  transaction_id: string;
  global_position: string;
  type: string;
  data: string;
  metadata: string;
}

/** The row as the codec reads it; the global position is the `(transaction_id, global_position)` token. */
export const toRaw = (r: EventRow): RawEvent => ({
  eventId: r.event_id,
  streamId: r.stream_id,
  streamPosition: Number(r.stream_position),
  globalPosition: encodePosition(r.transaction_id, r.global_position),
  type: r.type,
  data: r.data,
  metadata: r.metadata,
});

/** A statement and its parameters, or `undefined` when nothing can match. */
export type Query = { sql: string; params: unknown[] } | undefined;

/** One page of a stream between inclusive stream positions. */
export function streamQuery(
  names: SchemaNames,
  streamId: string,
  range: { from: number; to: number; direction: 'forwards' | 'backwards'; limit: number },
): Query {
  const forwards = range.direction === 'forwards';
  const lo = Math.max(0, Math.ceil(forwards ? range.from : range.to));
  const hi = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(forwards ? range.to : range.from));
  const limit = Math.floor(range.limit);
  if (!storable(streamId) || !(lo <= hi) || !(limit > 0)) return undefined;
  return {
    sql: `SELECT ${COLUMNS} FROM ${names.events} AS e
      WHERE e.stream_id = $1 AND e.stream_position BETWEEN $2 AND $3
      ORDER BY e.stream_position ${forwards ? 'ASC' : 'DESC'} LIMIT $4`,
    params: [streamId, lo, hi, limit],
  };
}

/**
 * The newest committed event's transaction when it is not yet below the snapshot's xmin (an older
 * transaction is still open, so a read sees less than what has been committed), else NULL.
 */
export function pendingTopSql(names: SchemaNames): string {
  return `SELECT CASE WHEN x.top >= pg_snapshot_xmin(pg_current_snapshot()) THEN x.top::text END AS pending_top
    FROM (SELECT (SELECT e.transaction_id FROM ${names.events} AS e ORDER BY e.transaction_id DESC LIMIT 1) AS top) AS x`;
}

/** An events row of {@link withPendingTop}: `event_id` is NULL in the one row of an empty page. */
export type PageRow = { [K in keyof EventRow]: EventRow[K] | null } & { pending_top: string | null };

/**
 * A page query that also answers {@link pendingTopSql} in the same snapshot and round trip:
 * every row carries `pending_top`, and an empty page is one row of NULLs carrying it.
 */
export function withPendingTop(names: SchemaNames, q: NonNullable<Query>): NonNullable<Query> {
  return {
    sql: `SELECT p.*, t.pending_top FROM (${pendingTopSql(names)}) AS t
      LEFT JOIN LATERAL (${q.sql.replace(`SELECT ${COLUMNS}`, `SELECT ${COLUMNS}, e.transaction_id AS o_tx, e.global_position AS o_seq`)}) AS p ON true
      ORDER BY p.o_tx, p.o_seq`,
    params: q.params,
  };
}

/** One page of the global log after `after`, in `(transaction_id, global_position)` order, safe rows only. */
export function globalQuery(
  names: SchemaNames,
  after: string | undefined,
  limit: number,
  filter: DriverFilter | undefined,
): Query {
  const where = [SAFE];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (after !== undefined) {
    const p = decodePosition(after);
    where.push(`(e.transaction_id, e.global_position) > (${param(p.xid)}::xid8, ${param(p.seq)}::bigint)`);
  }
  if (filter?.streamId !== undefined) where.push(`e.stream_id = ${param(filter.streamId)}`);
  if (filter?.streamPrefix) {
    // Under the "C" collation every id with this prefix sorts >= it: an index range, then an exact check.
    const p = param(filter.streamPrefix);
    where.push(`e.stream_id >= ${p} AND starts_with(e.stream_id, ${p})`);
  }
  if (filter?.types) where.push(`e.type = ANY(${param(filter.types.filter(storable))}::text[])`);
  const unmatchable = [filter?.streamId, filter?.streamPrefix].some((s) => s !== undefined && !storable(s));
  const n = Math.floor(limit);
  if (unmatchable || !(n > 0)) return undefined;
  return {
    sql: `SELECT ${COLUMNS} FROM ${names.events} AS e WHERE ${where.join(' AND ')}
      ORDER BY e.transaction_id, e.global_position LIMIT ${param(n)}`,
    params,
  };
}
