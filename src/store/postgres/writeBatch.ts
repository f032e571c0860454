import type { ClientBase } from 'pg';
import { EventValidationError } from '../../events/errors.js';
import { ValidationError } from '../../errors.js';
import type { AppendRequest } from '../driver.js';
import type { AppendResult } from '../eventStore.js';
import { planAppend, type StoredId } from '../planAppend.js';
import { encodePosition } from './position.js';
import { storable } from './queries.js';
import type { SchemaNames } from './schema.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PENDING = '\u0000pending:';

/** A request PostgreSQL cannot store as given fails alone, before any SQL runs: the error, else undefined. */
export function unstorable(req: AppendRequest): Error | undefined {
  if (!storable(req.streamId)) {
    return new ValidationError('stream id contains a NUL character or a lone surrogate', { path: 'streamId' });
  }
  const bad = req.events.find((e) => !UUID.test(e.eventId));
  return bad
    ? new EventValidationError(`eventId '${bad.eventId}' is not a lowercase UUID, which the postgres store requires`, {
        path: 'eventId',
      })
    : undefined;
}

/**
 * Create the `streams` rows of the batch's streams where missing, committed at once (the caller
 * runs this outside its transaction): from then on every writer of those streams, the append
 * function's too, locks the row, so a batch that lost a race does not lose it again.
 */
export async function createStreamRows(client: ClientBase, names: SchemaNames, batch: readonly AppendRequest[]): Promise<void> {
  const streamIds = [...new Set(batch.filter((r) => !unstorable(r)).map((r) => r.streamId))];
  if (streamIds.length === 0) return;
  await client.query(
    `INSERT INTO ${names.streams} (stream_id)
     SELECT s FROM unnest($1::text[]) AS s ORDER BY s COLLATE "C" ON CONFLICT (stream_id) DO NOTHING`,
    [streamIds],
  );
}

interface IdRow {
  event_id: string;
  stream_id: string;
  stream_position: string;
  transaction_id: string;
  global_position: string;
}

/**
 * The SQL of one batch, run inside a transaction the caller opened (READ COMMITTED) and commits:
 * lock the batch's `streams` rows ({@link createStreamRows} made them) in one stable order; read each stream's version (its last position) and
 * look up the batch's event ids; decide each request with {@link planAppend} (in batch order, so
 * two appends to one stream see each other), insert every winning event in one statement and
 * NOTIFY listeners (delivered on commit). Each request gets its result or error. The append
 * function locks the rows that exist too; on a stream without one, a position another writer took
 * meanwhile fails this insert (23505) and the caller runs the batch again, now under the lock.
 */
export async function writeBatch(
  client: ClientBase,
  names: SchemaNames,
  batch: readonly AppendRequest[],
  notifyPayload = '',
): Promise<Array<AppendResult | Error>> {
  const rejected = batch.map(unstorable);
  const valid = batch.filter((_, i) => rejected[i] === undefined);
  if (valid.length === 0) return rejected as Error[];

  const streamIds = [...new Set(valid.map((r) => r.streamId))];
  await client.query(`SELECT 1 FROM ${names.streams} WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`, [streamIds]);
  // Read after the lock is held: this statement's snapshot sees every write of the writers it waited for.
  const locked = await client.query<{ stream_id: string; version: string }>(
    `SELECT s AS stream_id, coalesce((SELECT e.stream_position FROM ${names.events} AS e WHERE e.stream_id = s
       ORDER BY e.stream_position DESC LIMIT 1), -1)::text AS version FROM unnest($1::text[]) AS s`,
    [streamIds],
  );
  const versions = new Map(locked.rows.map((r) => [r.stream_id, Number(r.version)]));
  const ids = valid.flatMap((r) => r.events.filter((e) => !e.generatedId).map((e) => e.eventId));
  const found =
    ids.length === 0
      ? { rows: [] as IdRow[] }
      : await client.query<IdRow>(
          `SELECT event_id::text, stream_id, stream_position, transaction_id::text, global_position::text
     FROM ${names.events} WHERE event_id = ANY($1::uuid[])`,
          [ids],
        );

  const stored = new Map<string, StoredId>(
    found.rows.map((r) => [
      r.event_id,
      {
        streamId: r.stream_id,
        streamPosition: Number(r.stream_position),
        globalPosition: encodePosition(r.transaction_id, r.global_position),
      },
    ]),
  );

  const rows = {
    ids: [] as string[],
    streams: [] as string[],
    positions: [] as number[],
    types: [] as string[],
    data: [] as string[],
    meta: [] as string[],
  };
  const planned = batch.map((req, i): AppendResult | Error => {
    const early = rejected[i];
    if (early) return early;
    const actual = versions.get(req.streamId) ?? -1;
    const plan = planAppend(req.streamId, req.events, req.expectedVersion, actual, (id) => stored.get(id));
    if (plan.kind === 'error') return plan.error;
    if (plan.kind === 'done') return plan.result;
    req.events.forEach((e, k) => {
      const streamPosition = plan.startPosition + k;
      rows.ids.push(e.eventId);
      rows.streams.push(req.streamId);
      rows.positions.push(streamPosition);
      rows.types.push(e.type);
      rows.data.push(e.data);
      rows.meta.push(e.metadata);
      // Later requests of this batch see these events (idempotent retries inside one batch).
      stored.set(e.eventId, { streamId: req.streamId, streamPosition, globalPosition: PENDING + e.eventId });
    });
    const last = plan.startPosition + req.events.length - 1;
    versions.set(req.streamId, last);
    return { nextExpectedVersion: last, positions: req.events.map((e) => PENDING + e.eventId) };
  });
  if (rows.ids.length === 0) return planned;

  const inserted = await client.query<{ event_id: string; transaction_id: string; global_position: string }>(
    `INSERT INTO ${names.events} (event_id, stream_id, stream_position, type, data, metadata)
     SELECT id, stream, pos, type, data, meta
     FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])
       WITH ORDINALITY AS t(id, stream, pos, type, data, meta, ord)
     ORDER BY ord
     RETURNING event_id::text, transaction_id::text, global_position::text`,
    [rows.ids, rows.streams, rows.positions, rows.types, rows.data, rows.meta],
  );
  await client.query('SELECT pg_notify($1, $2)', [names.channel, notifyPayload]);

  const tokens = new Map(inserted.rows.map((r) => [PENDING + r.event_id, encodePosition(r.transaction_id, r.global_position)]));
  const resolve = (p: string): string => {
    const token = p.startsWith(PENDING) ? tokens.get(p) : p;
    if (token === undefined) throw new Error(`postgres store: no position returned for inserted event ${p.slice(PENDING.length)}`);
    return token;
  };
  return planned.map((o) => (o instanceof Error ? o : { ...o, positions: o.positions.map(resolve) }));
}
