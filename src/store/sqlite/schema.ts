import type Database from 'better-sqlite3';
import { LEASE_SCHEMA, migrateLeaseTable } from './leases.js';

/**
 * The events table. `global_position` is the rowid: events are never deleted, so a new row gets
 * the largest position plus one and a position is never reused; because SQLite serialises
 * writers, positions become visible in increasing order: a reader that has seen position P will
 * never later see a new event below P. (Files created before this schema declare the rowid
 * AUTOINCREMENT, which gives the same positions and writes `sqlite_sequence` in every commit.)
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  global_position INTEGER PRIMARY KEY,
  event_id        TEXT    NOT NULL UNIQUE,
  stream_id       TEXT    NOT NULL,
  stream_position INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  metadata        TEXT    NOT NULL,
  UNIQUE (stream_id, stream_position)
);
CREATE INDEX IF NOT EXISTS events_stream_global ON events (stream_id, global_position);
CREATE INDEX IF NOT EXISTS events_type_global ON events (type, global_position);
`;

/** Pragmas and schema applied on every open; safe to run from several processes at once. */
export function prepareDatabase(db: Database.Database, durability: 'full' | 'normal', busyTimeoutMs = 5000): void {
  // Set the busy timeout first: the following statements may wait for another process's lock.
  const timeout = Number.isFinite(busyTimeoutMs) ? Math.max(0, Math.floor(busyTimeoutMs)) : 5000;
  db.pragma(`busy_timeout = ${timeout}`);
  if (db.name !== ':memory:' && db.name !== '') db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.transaction(() => {
    db.exec(SCHEMA + LEASE_SCHEMA);
    migrateLeaseTable(db);
  }).immediate();
}
