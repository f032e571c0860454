import type { Pool } from 'pg';
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
 * trip. It locks the batch's existing `streams` rows in the order every writer uses, derives each
 * request's current version (earlier requests of the batch to the same stream included) and
 * writes only when every request is a plain write: each expected version matches and none of the
 * caller-supplied event ids (`p_check`) is stored. Then it inserts every event at its stream
 * position, creates or moves the streams' rows to their new versions and notifies listeners;
 * `ok` is true and `positions` holds the global positions in input order. Otherwise it writes
 * nothing and returns `ok = false`: the caller then decides each request with `planAppend` in a
 * transaction of its own (conflicts, retries and duplicate ids are rare, and are reported there).
 *
 * A stream without a row is not locked: two writers creating it at once both insert its position
 * 0, and the UNIQUE `(stream_id, stream_position)` constraint fails the later one (23505), which
 * the caller retries through the transaction that creates and locks the row first.
 */
export function appendFunctionSql(n: SchemaNames): string {
  const channel = n.channel.replace(/'/g, "''");
  return `
CREATE OR REPLACE FUNCTION ${n.append}(
  p_streams text[], p_expected bigint[], p_counts integer[],
  p_req integer[], p_ids uuid[], p_types text[], p_data text[], p_meta text[], p_check uuid[],
  OUT ok boolean, OUT tx text, OUT actual bigint[], OUT positions bigint[])
LANGUAGE plpgsql AS $fn$
BEGIN
  WITH locked AS MATERIALIZED (
    SELECT s.stream_id, s.version FROM (SELECT DISTINCT id FROM unnest(p_streams) AS id) AS r
      JOIN ${n.streams} AS s ON s.stream_id = r.id ORDER BY s.stream_id FOR UPDATE OF s)
  SELECT array_agg(x.a ORDER BY x.ord),
         bool_and(CASE x.e WHEN -2 THEN true WHEN -1 THEN x.a = -1 WHEN -3 THEN x.a >= 0 ELSE x.a = x.e END)
    INTO actual, ok
    FROM (SELECT r.ord, r.e, coalesce(l.version, -1) + coalesce(sum(r.c) OVER (PARTITION BY r.s ORDER BY r.ord
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS a
          FROM unnest(p_streams, p_expected, p_counts) WITH ORDINALITY AS r(s, e, c, ord)
          LEFT JOIN locked AS l ON l.stream_id = r.s) AS x;
  IF NOT ok THEN RETURN; END IF;
  IF cardinality(p_check) > 0 AND EXISTS (SELECT 1 FROM unnest(p_check) AS c(id) JOIN ${n.events} AS e ON e.event_id = c.id) THEN
    ok := false;
    RETURN;
  END IF;
  IF cardinality(p_ids) = 0 THEN RETURN; END IF;
  WITH ins AS (
    INSERT INTO ${n.events} (event_id, stream_id, stream_position, type, data, metadata)
    SELECT t.id, p_streams[t.req], actual[t.req] + t.k, t.type, t.data, t.meta
    FROM (SELECT u.*, row_number() OVER (PARTITION BY u.req ORDER BY u.ord) AS k
          FROM unnest(p_req, p_ids, p_types, p_data, p_meta) WITH ORDINALITY AS u(req, id, type, data, meta, ord)) AS t
    ORDER BY t.ord
    RETURNING event_id, global_position)
  SELECT array_agg(ins.global_position ORDER BY t.ord) INTO positions
    FROM ins JOIN unnest(p_ids) WITH ORDINALITY AS t(id, ord) ON t.id = ins.event_id;
  INSERT INTO ${n.streams} AS s (stream_id, version)
    SELECT r.s, max(r.a + r.c) FROM unnest(p_streams, actual, p_counts) AS r(s, a, c)
    WHERE r.c > 0 GROUP BY r.s ORDER BY r.s COLLATE "C"
    ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version;
  PERFORM pg_notify('${channel}', '');
  tx := pg_current_xact_id()::text;
END
$fn$;`;
}

interface FunctionRow {
  ok: boolean;
  tx: string | null;
  actual: string[] | null;
  positions: string[] | null;
}

/**
 * Try a batch through the append function (one statement, its own transaction). The outcomes
 * when every request was a plain write, else `undefined` (nothing was written).
 */
export async function appendInOneStatement(
  pool: Pool,
  names: SchemaNames,
  batch: readonly AppendRequest[],
): Promise<Array<AppendResult> | undefined> {
  const req: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const meta: string[] = [];
  const check: string[] = [];
  batch.forEach((r, i) => {
    for (const e of r.events) {
      req.push(i + 1);
      ids.push(e.eventId);
      types.push(e.type);
      data.push(e.data);
      meta.push(e.metadata);
      if (!e.generatedId) check.push(e.eventId);
    }
  });
  // The same id twice in one batch is a retry inside the batch: planAppend decides it.
  if (check.length > 1 && new Set(check).size !== check.length) return undefined;
  const { rows } = await pool.query<FunctionRow>({
    name: `aigen_append:${names.schema}`,
    text: `SELECT ok, tx, actual::text[] AS actual, positions::text[] AS positions FROM ${names.append}($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    values: [batch.map((r) => r.streamId), batch.map((r) => expectedCode(r.expectedVersion)), batch.map((r) => r.events.length), req, ids, types, data, meta, check],
  });
  const row = rows[0];
  if (!row?.ok || !row.actual) return undefined;
  const actual = row.actual.map(Number);
  const positions = row.positions ?? [];
  let next = 0;
  return batch.map((r, i) => {
    const before = actual[i]!;
    const tokens = r.events.map(() => encodePosition(row.tx!, positions[next++]!));
    return { nextExpectedVersion: before + r.events.length, positions: tokens };
  });
}
