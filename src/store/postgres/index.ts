import { Pool, type ClientConfig } from 'pg';
import type { EventCodec } from '../../events/codec.js';
import { StoreUnavailableError, ValidationError } from '../../errors.js';
import { redactUrl } from '../../secrets.js';
import { DriverEventStore } from '../driverStore.js';
import { Listener } from './listener.js';
import { PostgresPartials } from './partials.js';
import { PostgresDriver, type PostgresDriverOptions } from './postgresDriver.js';
import { DEFAULT_SCHEMA, migrate, schemaNames } from './schema.js';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions extends PostgresDriverOptions {
  /** A `pg` connection string, e.g. `postgres://user:pass@localhost:5432/aigen`. */
  connectionString: string;
  /** Schema holding the store's tables (created when missing). Default `public`. */
  schema?: string;
  codec?: EventCodec;
  /** Maximum connections of the pool (the LISTEN connection comes on top). Default 10. */
  poolSize?: number;
  /** How long opening a connection may take before the store counts as unreachable. Default 5000 ms. */
  connectTimeoutMs?: number;
  /**
   * How long the server lets one of the store's connections sit idle inside a transaction before
   * it ends that session, releasing its locks. A process paused (SIGSTOP, a debugger, a frozen VM)
   * in the middle of a claim or a multi-statement append would otherwise hold the claim lock or a
   * stream's row lock until it resumes, and every other worker would wait. The store's own
   * transactions never idle for more than a round trip. Default 10000 ms; 0 turns it off; an
   * `idle_in_transaction_session_timeout` in the connection string wins.
   */
  idleInTransactionTimeoutMs?: number;
}

/**
 * The `pg` settings of every connection the store opens (pool and LISTEN connection).
 * @example
 * ```ts
 * connectionConfig({ connectionString: 'postgres://localhost/aigen' }).idle_in_transaction_session_timeout; // 10000
 * ```
 */
export function connectionConfig(options: Pick<PostgresStoreOptions, 'connectionString' | 'connectTimeoutMs' | 'idleInTransactionTimeoutMs'>): ClientConfig {
  const idle = options.idleInTransactionTimeoutMs ?? 10_000;
  if (!Number.isInteger(idle) || idle < 0) {
    throw new ValidationError(`postgres idleInTransactionTimeoutMs must be a non-negative integer, got ${String(idle)}`, { path: 'idleInTransactionTimeoutMs' });
  }
  return {
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    ...(idle > 0 ? { idle_in_transaction_session_timeout: idle } : {}),
  };
}

/** The connection string with any password masked, for messages. */
export { redactUrl } from '../../secrets.js';

/** Node reports some connection failures as an AggregateError with an empty message. */
function explain(err: unknown): unknown {
  if (!(err instanceof Error) || err.message !== '') return err;
  const parts = err instanceof AggregateError ? err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))) : [];
  const code = (err as { code?: unknown }).code;
  return new Error(parts.join('; ') || (typeof code === 'string' ? code : 'connection failed'), { cause: err });
}

/**
 * Open a PostgreSQL event store: creates the schema and tables on first use (idempotent, safe
 * from several processes at once) and LISTENs for other processes' appends. An unreachable
 * database fails here with a {@link StoreUnavailableError}.
 * @example
 * ```ts
 * const store = await openPostgresStore({ connectionString: 'postgres://localhost/aigen', schema: 'aigen' });
 * ```
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<DriverEventStore> {
  const names = schemaNames(options.schema ?? DEFAULT_SCHEMA);
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw new ValidationError(`postgres poolSize must be a positive integer, got ${String(poolSize)}`, { path: 'poolSize' });
  }
  const target = `${redactUrl(options.connectionString)}${names.schema === DEFAULT_SCHEMA ? '' : ` (schema ${names.schema})`}`;
  const config = connectionConfig(options);
  const pool = new Pool({ ...config, max: poolSize });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const driver = new PostgresDriver(pool, names, target, options);
  driver.partials = new PostgresPartials(pool, names);
  const listener = new Listener(config, names.channel, (hint) => driver.wake$.next(hint));
  driver.onClose(() => listener.close());
  try {
    await migrate(pool, names);
    await listener.start();
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw new StoreUnavailableError(target, { cause: explain(err) });
  }
  return new DriverEventStore(driver, options.codec);
}

/** Connection string parameters that `pg` understands; any other is a typo and refused. */
const PG_URL_PARAMS = new Set([
  'application_name', 'fallback_application_name', 'options', 'connect_timeout', 'keepalives', 'keepalives_idle',
  'statement_timeout', 'query_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'client_encoding',
  'encoding', 'host', 'port', 'user', 'password', 'db', 'ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert',
  'sslnegotiation', 'uselibpqcompat', 'replication',
]);

/**
 * Split a `postgres://…` / `postgresql://…` store URL into the connection string handed to `pg`
 * and the `schema` query parameter (removed from the connection string).
 * @example
 * ```ts
 * parsePostgresUrl('postgres://localhost/aigen?schema=runs'); // { connectionString: 'postgres://localhost/aigen', schema: 'runs' }
 * ```
 */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ValidationError(`not a valid postgres store URL: '${redactUrl(url)}'`, { path: 'url' });
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new ValidationError(`not a postgres store URL: '${redactUrl(url)}'`, { path: 'url' });
  }
  for (const key of u.searchParams.keys()) {
    if (key !== 'schema' && !PG_URL_PARAMS.has(key)) {
      throw new ValidationError(
        `unknown postgres store URL option '${key}'; known: schema, ${[...PG_URL_PARAMS].join(', ')}`,
        { path: 'url' },
      );
    }
  }
  const schema = u.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

/** Open a postgres store from its URL; see {@link parsePostgresUrl}. Used by `openStore`. */
export function openPostgresStoreUrl(
  url: string,
  options: { codec?: EventCodec } & PostgresDriverOptions = {},
): Promise<DriverEventStore> {
  const { connectionString, schema } = parsePostgresUrl(url);
  return openPostgresStore({ ...options, connectionString, schema });
}

export { PostgresDriver, type PostgresDriverOptions } from './postgresDriver.js';
export { decodePosition, encodePosition } from './position.js';
