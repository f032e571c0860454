import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { openSqliteViewStore } from '../../src/projections/sqlite/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { describeConformance } from './eventStore.conformance.js';
import { describeLeaseConformance } from './leases.conformance.js';
import { describePartialConformance } from './partials.conformance.js';
import { describeViewConformance } from './views.conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'aigen-sqlite-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new database file, in a directory of its own (a store never creates directories). */
function freshFile(): string {
  const own = join(dir, randomUUID());
  mkdirSync(own);
  return join(own, 'events.db');
}

/** The file most recently handed out by `next()`, for reopening it. */
function fileTracker(): { next: () => string; current: () => string } {
  let file: string | undefined;
  return {
    next: () => (file = freshFile()),
    current: () => {
      if (!file) throw new Error('no sqlite store has been opened');
      return file;
    },
  };
}

const events = fileTracker();
describeConformance({
  name: 'sqlite',
  open: () => Promise.resolve(openSqliteStore(events.next())),
  url: () => `sqlite:${events.current()}`,
  reopen: () => Promise.resolve(openSqliteStore(events.current())),
  plantRow: (row) => {
    const db = new Database(events.current());
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare(
        `INSERT INTO events (event_id, stream_id, stream_position, type, data, metadata)
         VALUES (?, ?, (SELECT COALESCE(MAX(stream_position), -1) + 1 FROM events WHERE stream_id = ?), ?, ?, ?)`,
      ).run(randomUUID(), row.streamId, row.streamId, row.type, row.data, row.metadata);
    } finally {
      db.close();
    }
    return Promise.resolve();
  },
});

const leases = fileTracker();
describeLeaseConformance({
  name: 'sqlite',
  open: () => Promise.resolve(openSqliteStore(leases.next())),
  openShared: () => Promise.resolve(openSqliteStore(leases.current())),
});

const partials = fileTracker();
describePartialConformance({
  name: 'sqlite',
  open: () => Promise.resolve(openSqliteStore(partials.next())),
  openShared: () => Promise.resolve(openSqliteStore(partials.current())),
});

const views = fileTracker();
describeViewConformance({
  name: 'sqlite',
  open: () => Promise.resolve(openSqliteViewStore(views.next())),
  reopen: () => Promise.resolve(openSqliteViewStore(views.current())),
});
