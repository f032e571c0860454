import { appendFunctionSql } from './appendFunction.js';
import { inTransaction } from './transaction.js';
import { leaseTablesSql } from './leases.js';
import { createHash } from 'node:crypto';
import { escapeIdentifier, type Pool } from 'pg';
import { ValidationError } from '../../errors.js';

/** The default schema of the event tables. */
export const DEFAULT_SCHEMA = 'public';

/** Fully qualified (quoted) names of the store's objects in one schema. */
export interface SchemaNames {
  schema: string;
  events: string;
  streams: string;
  /** The append function (see `appendFunctionSql`); a new signature gets a new name. */
  append: string;
  /** LISTEN/NOTIFY channel of this schema (unquoted; at most 63 bytes). */
  channel: string;
}

/** Check a schema name: a plain SQL identifier, so URLs, channel names and logs stay unambiguous. */
export function assertSchemaName(schema: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ValidationError(
      `postgres schema name '${schema}' is not a plain identifier (letters, digits, _; at most 63; not starting with a digit)`,
      { path: 'schema' },
    );
  }
}

/** Names of the store's tables and notification channel in `schema`. */
export function schemaNames(schema: string = DEFAULT_SCHEMA): SchemaNames {
  assertSchemaName(schema);
  const q = escapeIdentifier(schema);
  const plain = `aigen_events_${schema}`;
  const channel = plain.length <= 63 ? plain : `aigen_events_${createHash('sha1').update(schema).digest('hex')}`;
  return { schema, events: `${q}.events`, streams: `${q}.streams`, append: `${q}.aigen_append_v1`, channel };
}

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
 * - `streams` holds one row per stream with its last stream position: writers lock it with
 *   `SELECT … FOR UPDATE`, so appends to one stream are serialised across processes.
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
  stream_id text   COLLATE "C" PRIMARY KEY,
  version   bigint NOT NULL
);`;
}

/**
 * Create the schema and tables when missing. Idempotent, and safe when several processes open
 * the store at once: the DDL runs in one transaction under an advisory lock keyed by schema.
 */
export async function migrate(pool: Pool, names: SchemaNames): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`aigen:migrate:${names.schema}`]);
    await client.query(migrationSql(names) + leaseTablesSql(names.schema) + appendFunctionSql(names));
  });
}
