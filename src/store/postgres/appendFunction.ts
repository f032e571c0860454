import { escapeIdentifier, type Pool } from 'pg';
import type { AppendRequest } from '../driver.js';
import type { AppendResult, ExpectedVersion } from '../eventStore.js';
import { encodePosition } from './position.js';
import type { SchemaNames } from './names.js';

/** `expectedVersion` as the function reads it: a stream position, or a negative code. */
const EXPECTED_CODE = { no_stream: -1, any: -2, stream_exists: -3 } as const;

function expectedCode(expected: ExpectedVersion): number {
  return typeof expected === 'number' ? expected : EXPECTED_CODE[expected];
}

/**
 * The append function: one batch of appends in one statement, so that an append costs one round
 * trip. It locks the batch's `streams` rows where they exist (in the order every writer uses),
 * then reads each stream's version, its last stored position (the unique `(stream_id,
 * stream_position)` index, read backwards; a stream whose first request in the batch expects
 * `no_stream` skips that read; `base` holds it at the index of that request). It derives each
 * request's version (earlier requests of the batch to the same stream included) and writes only
 * when every expected version matches: it inserts every event at its stream position, in input
 * order, and notifies listeners (`p_notify`: the payload, what was appended); `ok` is true and `positions` holds the global positions in input
 * order, comma-separated. Otherwise it writes nothing and returns `ok = false`.
 *
 * A stream gets a `streams` row only when a write to it went through the transaction path
 * (`writeBatch`), e.g. after a race: from then on its writers take turns on that row. Otherwise
 * the unique indexes decide races: an event whose stream position another writer took since
 * (committed or in flight), or whose id is already stored, fails the whole statement with a
 * unique violation (23505) and nothing is written; the caller then decides each request with
 * `planAppend` in that transaction path, which reports conflicts and answers retried ids.
 * Positions stay gap-free because every position is the stream's last one plus one, and a taken
 * position fails the insert.
 */
export function appendFunctionSql(n: SchemaNames): string {
  const channel = n.channel.replace(/'/g, "''");
  return `
DROP FUNCTION IF EXISTS ${escapeIdentifier(n.schema)}.aigen_append_v1(text[], bigint[], integer[], integer[], uuid[], text[], text[], text[], uuid[]);
DROP FUNCTION IF EXISTS ${n.append}(text[], bigint[], integer[], integer[], uuid[], text[], integer[], integer[], text[], text[], text[]);
CREATE OR REPLACE FUNCTION ${n.append}(
  p_streams text[], p_expected bigint[], p_first integer[], p_before integer[],
  p_ids uuid[], p_ev_streams text[], p_ev_first integer[], p_ev_step integer[], p_types text[], p_data text[], p_meta text[],
  p_notify text, OUT ok boolean, OUT tx text, OUT base bigint[], OUT positions text)
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM FROM (SELECT DISTINCT id FROM unnest(p_streams) AS id) AS r
    JOIN ${n.streams} AS s ON s.stream_id = r.id ORDER BY s.stream_id FOR UPDATE OF s;
  SELECT array_agg(CASE WHEN r.first <> r.ord THEN 0 WHEN r.e = -1 THEN -1 ELSE coalesce(
      (SELECT v.stream_position FROM ${n.events} AS v WHERE v.stream_id = r.s ORDER BY v.stream_position DESC LIMIT 1), -1) END
      ORDER BY r.ord)
    INTO base FROM unnest(p_streams, p_expected, p_first) WITH ORDINALITY AS r(s, e, first, ord);
  SELECT bool_and(CASE x.e WHEN -2 THEN true WHEN -1 THEN x.a = -1 WHEN -3 THEN x.a >= 0 ELSE x.a = x.e END) INTO ok
    FROM (SELECT r.e, base[r.first] + r.before AS a FROM unnest(p_expected, p_first, p_before) AS r(e, first, before)) AS x;
  IF NOT ok OR cardinality(p_ids) = 0 THEN RETURN; END IF;
  WITH ins AS (
    INSERT INTO ${n.events} (event_id, stream_id, stream_position, type, data, metadata)
    SELECT u.id, u.s, base[u.first] + u.step, u.type, u.data, u.meta
    FROM unnest(p_ids, p_ev_streams, p_ev_first, p_ev_step, p_types, p_data, p_meta) AS u(id, s, first, step, type, data, meta)
    RETURNING event_id, global_position)
  SELECT string_agg(ins.global_position::text, ',' ORDER BY t.ord) INTO positions
    FROM ins JOIN unnest(p_ids) WITH ORDINALITY AS t(id, ord) ON t.id = ins.event_id;
  PERFORM pg_notify('${channel}', p_notify);
  tx := pg_current_xact_id()::text;
END
$fn$;`;
}

interface FunctionRow {
  ok: boolean;
  tx: string | null;
  base: string | null;
  positions: string | null;
}

/**
 * Try a batch through the append function (one statement, its own transaction). The outcomes
 * when every request was a plain write, else `undefined` (nothing was written).
 *
 * The client works out where each request and event stands among the batch's appends to its
 * stream, so the function neither sorts nor groups: per request the first request of the batch
 * to the same stream (`first`, 1-based) and the events appended to it by earlier requests
 * (`before`); per event its stream, that first request and its position after the stream's
 * version (`step`, from 1).
 */
export async function appendInOneStatement(
  pool: Pool,
  names: SchemaNames,
  batch: readonly AppendRequest[],
  notifyPayload = '',
): Promise<Array<AppendResult> | undefined> {
  const first: number[] = [];
  const before: number[] = [];
  const ids: string[] = [];
  const evStreams: string[] = [];
  const evFirst: number[] = [];
  const evStep: number[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const meta: string[] = [];
  const supplied = new Set<string>();
  let suppliedCount = 0;
  const seen = new Map<string, { first: number; count: number }>();
  batch.forEach((r, i) => {
    let stream = seen.get(r.streamId);
    if (!stream) seen.set(r.streamId, (stream = { first: i + 1, count: 0 }));
    first.push(stream.first);
    before.push(stream.count);
    for (const e of r.events) {
      ids.push(e.eventId);
      evStreams.push(r.streamId);
      evFirst.push(stream.first);
      evStep.push(++stream.count);
      types.push(e.type);
      data.push(e.data);
      meta.push(e.metadata);
      if (!e.generatedId) {
        supplied.add(e.eventId);
        suppliedCount++;
      }
    }
  });
  // The same id twice in one batch is a retry inside the batch: planAppend decides it.
  if (supplied.size !== suppliedCount) return undefined;
  const { rows } = await pool.query<FunctionRow>({
    name: `aigen_append:${names.schema}`,
    text: `SELECT ok, tx, array_to_string(base, ',') AS base, positions
      FROM ${names.append}($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    values: [batch.map((r) => r.streamId), batch.map((r) => expectedCode(r.expectedVersion)), first, before, ids, evStreams, evFirst, evStep, types, data, meta, notifyPayload],
  });
  const row = rows[0];
  if (!row?.ok || row.base === null) return undefined;
  const base = row.base.split(',').map(Number);
  const positions = row.positions === null ? [] : row.positions.split(',');
  let next = 0;
  return batch.map((r, i) => {
    const version = base[first[i]! - 1]! + before[i]!;
    const tokens = r.events.map(() => encodePosition(row.tx!, positions[next++]!));
    return { nextExpectedVersion: version + r.events.length, positions: tokens };
  });
}
