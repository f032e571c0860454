import { appendFunctionSql } from './appendFunction.js';
import { alterWhenColumn } from './ddl.js';
import { inTransaction } from './transaction.js';
import { claimFunctionSql, leaseTablesSql } from './leases.js';
import { escapeIdentifier, type Pool } from 'pg';

export { DEFAULT_SCHEMA, assertSchemaName, schemaNames, type SchemaNames } from './names.js';
import type { SchemaNames } from './names.js';

/**
 * The tables. Design notes:
 * - `transaction_id` is the writing transaction's id: readers order by `(transaction_id,
 *   global_position)` and read only rows whose transaction is below the snapshot's xmin, so a
 *   transaction that commits late can never appear *behind* a reader's checkpoint.
 * - `data` and `metadata` are `text`, not `jsonb`: the codec hands over JSON strings and the
 *   exact text comes back (jsonb would reorder keys, reject `\u0000`, and refuse the corrupt rows
 *   the store must still be able to report as `CorruptEventError`).
 * - `stream_id` uses the "C" collation: byte order makes the prefix filter an index range scan
 *   that is exact for any prefix, and gives every writer the same stream lock order.
 * - A stream's version is its last `stream_position` (the unique `(stream_id, stream_position)`
 *   index, read backwards); that index and the one on `event_id` decide races between writers.
 * - `streams` holds a row per stream that went through the transaction path (a race, a conflict,
 *   a retried id): from then on every writer of that stream locks it (`SELECT … FOR UPDATE`), so
 *   a contended stream's writers take turns instead of failing each other's inserts.
 */
function migrationSql(n: SchemaNames): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${escapeIdentifier(n.schema)};
CREATE TABLE IF NOT EXISTS ${n.events} (
  global_position bigserial PRIMARY KEY,
  transaction_id  xid8      NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid      NOT NULL UNIQUE,
  stream_id       text      COLLATE "C" NOT NULL,
  stream_position bigint    NOT NULL,
  type            text      NOT NULL,
  data            text      NOT NULL,
  metadata        text      NOT NULL,
  UNIQUE (stream_id, stream_position)
);
CREATE INDEX IF NOT EXISTS events_transaction_position ON ${n.events} (transaction_id, global_position);
CREATE INDEX IF NOT EXISTS events_type_transaction_position ON ${n.events} (type, transaction_id, global_position);
CREATE TABLE IF NOT EXISTS ${n.streams} (
  stream_id text COLLATE "C" PRIMARY KEY
);
${alterWhenColumn(n.streams, 'version', 'present', `ALTER TABLE ${n.streams} DROP COLUMN version`)}`;
}

/**
 * Create the schema and tables when missing. Idempotent, and safe when several processes open
 * the store at once: the DDL runs in one transaction under an advisory lock keyed by schema.
 */
export async function migrate(pool: Pool, names: SchemaNames): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`aigen:migrate:${names.schema}`]);
    await client.query(migrationSql(names) + leaseTablesSql(names.schema) + claimFunctionSql(names.schema) + appendFunctionSql(names));
  });
}
