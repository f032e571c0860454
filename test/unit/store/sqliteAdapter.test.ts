import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError, ValidationError } from '../../../src/errors.js';
import { openStore } from '../../../src/store/openStore.js';
import { prepareDatabase } from '../../../src/store/sqlite/schema.js';
import { openSqliteStore, parseSqliteUrl } from '../../../src/store/sqlite/index.js';
import { ConcurrencyError, DuplicateEventIdError } from '../../../src/store/errors.js';
import { collect, streamId, tos, transitioned, transitions } from '../../conformance/testEvents.js';

const dir = mkdtempSync(join(tmpdir(), 'aigen-sqlite-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite store URLs', () => {
  it.each([
    ['sqlite:.aigen/aigen.db', '.aigen/aigen.db', 'full'],
    ['sqlite:/tmp/x.db?durability=normal', '/tmp/x.db', 'normal'],
    ['sqlite:///tmp/x.db?durability=full', '/tmp/x.db', 'full'],
    ['sqlite::memory:', ':memory:', 'full'],
  ])('parses %s', (url, path, durability) => {
    expect(parseSqliteUrl(url)).toEqual({ path, durability });
  });

  it.each([
    ['sqlite:', /has no path/],
    ['sqlite:x.db?durability=fast', /durability must be 'full' or 'normal', got 'fast'/],
    ['sqlite:x.db?mode=ro', /unknown sqlite store URL option 'mode'/],
  ])('rejects %s clearly', (url, message) => {
    expect(() => parseSqliteUrl(url)).toThrow(ValidationError);
    expect(() => parseSqliteUrl(url)).toThrow(message);
  });
});

describe('sqlite store', () => {
  it('decides the appends of one batch in order: a retry of an append earlier in the batch gets its positions, a conflict and a duplicate id fail alone', async () => {
    const store = openSqliteStore(':memory:');
    const s = streamId();
    const other = streamId();
    const first = transitioned(0);
    await store.append(other, [first]);
    const events = transitions(2);
    const settle = <T>(p: Promise<T>) => p.then((r) => r, (e: unknown) => e);
    const outcomes = await Promise.all([
      settle(store.append(s, events, { expectedVersion: 'no_stream' })),
      settle(store.append(s, events, { expectedVersion: 'no_stream' })),
      settle(store.append(s, transitions(1, 2), { expectedVersion: 1 })),
      settle(store.append(s, transitions(1, 9), { expectedVersion: 7 })),
      settle(store.append(streamId(), [{ ...transitioned(0), eventId: first.eventId! }])),
    ]);
    expect(outcomes[1]).toEqual(outcomes[0]);
    expect(outcomes[2]).toMatchObject({ nextExpectedVersion: 2 });
    expect(outcomes[3]).toBeInstanceOf(ConcurrencyError);
    expect(outcomes[4]).toBeInstanceOf(DuplicateEventIdError);
    expect(tos(await collect(store.readStream(s)))).toEqual(['s0', 's1', 's2']);
    await store.close();
  });

  it('opens through openStore, creating a missing .aigen/ directory, and keeps data across reopen', async () => {
    const file = join(dir, '.aigen', 'events.db');
    const store = await openStore(`sqlite:${file}?durability=normal`);
    expect(store.kind).toBe('sqlite');
    await store.append('run-1', transitions(3));
    await store.close();
    expect(existsSync(file)).toBe(true);
    const again = await openStore(`sqlite:${file}`);
    expect((await collect(again.readStream('run-1'))).map((e) => e.streamPosition)).toEqual([0, 1, 2]);
    await again.close();
  });

  it('refuses a store in any other missing directory, creating nothing', async () => {
    const file = join(dir, 'nested', 'deeper', 'events.db');
    await expect(openStore(`sqlite:${file}`)).rejects.toThrow(expect.objectContaining({ name: 'ValidationError', message: expect.stringContaining(`no directory ${join(dir, 'nested', 'deeper')}`) }));
    expect(existsSync(join(dir, 'nested'))).toBe(false);
  });

  it('supports a private in-memory database', async () => {
    const store = await openStore('sqlite::memory:');
    await store.append('run-m', transitions(2));
    expect(await store.streamVersion('run-m')).toBe(1);
    await store.close();
  });

  it('uses WAL, synchronous=FULL by default and NORMAL with durability normal', () => {
    const db = new Database(join(dir, 'pragmas.db'));
    try {
      prepareDatabase(db, 'full');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      prepareDatabase(db, 'normal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('rejects a global position token that is not its own', async () => {
    const store = openSqliteStore(':memory:');
    await expect(collect(store.readAll({ from: 'abc' }))).rejects.toThrow(/not a global position of a sqlite store/);
    await store.close();
  });

  it('rejects a whole batch with a clear error when the database stays locked, then recovers', async () => {
    const file = join(dir, 'locked.db');
    const store = openSqliteStore(file, { busyTimeoutMs: 20 });
    const other = new Database(file);
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      const outcomes = await Promise.allSettled([store.append('run-a', transitions(1)), store.append('run-b', transitions(1))]);
      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        const reason = (o as PromiseRejectedResult).reason as Error;
        expect(reason).toBeInstanceOf(StoreUnavailableError);
        expect(reason.message).toMatch(/locked\.db \(commit of 2 appends\): database is locked/);
      }
      other.prepare('ROLLBACK').run();
      await store.append('run-a', transitions(1), { expectedVersion: 'no_stream' });
      expect(await store.streamVersion('run-a')).toBe(0);
      expect(await store.streamVersion('run-b')).toBeUndefined();
    } finally {
      other.close();
      await store.close();
    }
  });

  it('reports a file that is not a database as a clear store error', () => {
    const file = join(dir, 'not-a-db.db');
    writeFileSync(file, 'this is plain text, not a SQLite database\n'.repeat(100));
    expect(() => openSqliteStore(file)).toThrow(StoreUnavailableError);
    expect(() => openSqliteStore(file)).toThrow(/not-a-db\.db: file is not a database/);
  });
});
