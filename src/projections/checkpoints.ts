import { localTable, type EventStore } from '../store/eventStore.js';
import { UnknownStoreError } from '../store/errors.js';
import { CheckpointConflictError } from './errors.js';

/**
 * Named checkpoints of consumers that read the log but keep no views of their own (the OTel
 * exporter): the global position each one has handled up to, in the store's database.
 * `write` is a compare-and-set, so two processes never both move a checkpoint from one position.
 * @example
 * ```ts
 * const checkpoints = await openCheckpointStore('sqlite:.aigen/aigen.db', store);
 * await checkpoints.write('otel', await checkpoints.read('otel'), '42');
 * ```
 */
export interface CheckpointStore {
  read(name: string): Promise<string | undefined>;
  /** Move `name` from `expected` to `next`; throws CheckpointConflictError when the stored one is not `expected`. */
  write(name: string, expected: string | undefined, next: string): Promise<void>;
  close(): Promise<void>;
}

class MemoryCheckpointStore implements CheckpointStore {
  constructor(private readonly data: Map<string, string>) {}
  read(name: string): Promise<string | undefined> {
    return Promise.resolve(this.data.get(name));
  }
  write(name: string, expected: string | undefined, next: string): Promise<void> {
    const current = this.data.get(name);
    if (current !== expected) return Promise.reject(new CheckpointConflictError(expected, current));
    this.data.set(name, next);
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const TABLE = 'projection_checkpoints';

async function sqliteCheckpoints(path: string): Promise<CheckpointStore> {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, position TEXT NOT NULL)`);
  const get = db.prepare<[string], { position: string }>(`SELECT position FROM ${TABLE} WHERE name = ?`);
  const put = db.prepare(`INSERT INTO ${TABLE} (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position`);
  const cas = db.transaction((name: string, expected: string | undefined, next: string) => {
    const current = get.get(name)?.position;
    if (current !== expected) throw new CheckpointConflictError(expected, current);
    put.run(name, next);
  });
  return {
    read: (name) => Promise.resolve(get.get(name)?.position),
    // A throw in the executor (a conflict, a busy database) rejects the promise.
    write: (name, expected, next) => new Promise<void>((resolve) => resolve(void cas.immediate(name, expected, next))),
    close: () => Promise.resolve(void db.close()),
  };
}

async function postgresCheckpoints(connectionString: string, schema: string): Promise<CheckpointStore> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  const t = `${pg.escapeIdentifier(schema)}.${TABLE}`;
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`).catch(() => undefined);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${t} (name text PRIMARY KEY, position text NOT NULL)`);
  return {
    read: async (name) => ((await pool.query<{ position: string }>(`SELECT position FROM ${t} WHERE name = $1`, [name])).rows[0]?.position),
    write: async (name, expected, next) => {
      const res =
        expected === undefined
          ? await pool.query(`INSERT INTO ${t} (name, position) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [name, next])
          : await pool.query(`UPDATE ${t} SET position = $3 WHERE name = $1 AND position = $2`, [name, expected, next]);
      if (res.rowCount === 1) return;
      const current = (await pool.query<{ position: string }>(`SELECT position FROM ${t} WHERE name = $1`, [name])).rows[0]?.position;
      throw new CheckpointConflictError(expected, current);
    },
    close: () => pool.end(),
  };
}

/**
 * Open the named checkpoints that live beside an event store, chosen by the store's URL like the views.
 * @example
 * ```ts
 * const checkpoints = await openCheckpointStore('memory:', store);
 * ```
 */
export async function openCheckpointStore(storeUrl: string, store: EventStore): Promise<CheckpointStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(storeUrl)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'memory': {
      return new MemoryCheckpointStore(localTable(store, 'checkpoints', () => new Map<string, string>()));
    }
    case 'sqlite': {
      const { parseSqliteUrl } = await import('../store/sqlite/index.js');
      return sqliteCheckpoints(parseSqliteUrl(storeUrl).path);
    }
    case 'postgres':
    case 'postgresql': {
      const { parsePostgresUrl } = await import('../store/postgres/index.js');
      const { connectionString, schema } = parsePostgresUrl(storeUrl);
      return postgresCheckpoints(connectionString, schema);
    }
    default:
      throw new UnknownStoreError(`no checkpoints for store URL ${scheme ? `scheme '${scheme}:'` : `'${storeUrl}'`}`);
  }
}
