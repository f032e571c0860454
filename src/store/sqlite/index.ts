import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { EventCodec } from '../../events/codec.js';
import { StoreUnavailableError, ValidationError } from '../../errors.js';
import { DriverEventStore } from '../driverStore.js';
import { ReadOnlyStoreError } from '../errors.js';
import { sqliteWritable } from './readOnly.js';
import { prepareDatabase } from './schema.js';
import { SqliteDriver } from './sqliteDriver.js';
import { SqlitePartials } from './partials.js';

export { copyForReading, sqliteWritable, type SqliteCopy } from './readOnly.js';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * `'full'` (default): `synchronous=FULL`, an acknowledged append survives power loss.
   * `'normal'`: `synchronous=NORMAL`, faster; survives a process crash, may lose the last
   * commits on power loss.
   */
  durability?: 'full' | 'normal';
  codec?: EventCodec;
  /** How long a write waits for another process's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Refuse a missing database instead of creating it (and its directory): for commands that only read. */
  mustExist?: boolean;
}

/**
 * Open (creating when needed) an embedded SQLite event store at `path` (`':memory:'` for a
 * private in-memory database). Several processes may share the file. A file this process cannot
 * write is refused (`STORE_READ_ONLY`); to read one, open a {@link copyForReading} of it.
 * @example
 * ```ts
 * const store = openSqliteStore('.aigen/aigen.db', { durability: 'normal' });
 * ```
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): DriverEventStore {
  const durability = options.durability ?? 'full';
  if (durability !== 'full' && durability !== 'normal') {
    throw new ValidationError(`sqlite durability must be 'full' or 'normal', got '${String(durability)}'`, {
      path: 'durability',
    });
  }
  if (path === '') throw new ValidationError('sqlite store path is empty', { path: 'path' });
  const inMemory = path === ':memory:';
  const target = `sqlite:${inMemory ? path : resolve(path)}`;
  if (options.mustExist && !inMemory && !existsSync(path)) {
    throw new ValidationError(`no sqlite store at ${resolve(path)}: nothing was recorded there (check --store / AIGEN_STORE)`, { path: 'url' });
  }
  // The default store's directory (.aigen/ in an existing directory) is created; any other
  // missing directory is a mistake more often than a wish (a typo, a path of another machine).
  const dir = dirname(resolve(path));
  if (!inMemory && !existsSync(dir) && !(basename(dir) === '.aigen' && existsSync(dirname(dir)))) {
    throw new ValidationError(`no directory ${dir} for the sqlite store ${resolve(path)}: create it first, or choose another path`, { path: 'url' });
  }
  if (!inMemory && !sqliteWritable(path)) throw new ReadOnlyStoreError(resolve(path));
  let db: Database.Database | undefined;
  try {
    if (!inMemory) mkdirSync(dir, { recursive: true });
    db = new Database(path);
    prepareDatabase(db, durability, options.busyTimeoutMs);
    const driver = new SqliteDriver(db, target);
    driver.partials = new SqlitePartials(path, db);
    return new DriverEventStore(driver, options.codec);
  } catch (err) {
    db?.close();
    throw new StoreUnavailableError(target, { cause: err });
  }
}

/**
 * Parse a `sqlite:` store URL: `sqlite:<path>`, `sqlite:///<absolute path>`, `sqlite::memory:`,
 * with an optional `?durability=full|normal`.
 * @example
 * ```ts
 * parseSqliteUrl('sqlite:.aigen/aigen.db?durability=normal'); // { path: '.aigen/aigen.db', durability: 'normal' }
 * ```
 */
export function parseSqliteUrl(url: string): { path: string; durability: 'full' | 'normal' } {
  const m = /^sqlite:(.*)$/is.exec(url);
  if (!m) throw new ValidationError(`not a sqlite store URL: '${url}'`, { path: 'url' });
  const rest = m[1] ?? '';
  const q = rest.indexOf('?');
  let path = q < 0 ? rest : rest.slice(0, q);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === '') throw new ValidationError(`sqlite store URL '${url}' has no path; e.g. sqlite:.aigen/aigen.db`, { path: 'url' });
  let durability: 'full' | 'normal' = 'full';
  for (const [key, value] of new URLSearchParams(q < 0 ? '' : rest.slice(q + 1))) {
    if (key === 'durability' && (value === 'full' || value === 'normal')) durability = value;
    else if (key === 'durability') {
      throw new ValidationError(`sqlite durability must be 'full' or 'normal', got '${value}'`, { path: 'url' });
    } else throw new ValidationError(`unknown sqlite store URL option '${key}'`, { path: 'url' });
  }
  return { path, durability };
}

/** Open a sqlite store from its URL; see {@link parseSqliteUrl}. Used by `openStore`. */
export function openSqliteStoreUrl(url: string, options: { codec?: EventCodec; mustExist?: boolean } = {}): DriverEventStore {
  const { path, durability } = parseSqliteUrl(url);
  return openSqliteStore(path, { durability, codec: options.codec, mustExist: options.mustExist === true });
}
