import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { describeConformance } from './eventStore.conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'aigen-sqlite-conformance-'));
let file: string | undefined;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const currentFile = (): string => {
  if (!file) throw new Error('no sqlite store has been opened');
  return file;
};

describeConformance({
  name: 'sqlite',
  open: () => {
    // A temp file per test, in a directory of its own (a store never creates directories).
    const own = join(dir, randomUUID());
    mkdirSync(own);
    file = join(own, 'events.db');
    return Promise.resolve(openSqliteStore(file));
  },
  url: () => `sqlite:${currentFile()}`,
  reopen: () => Promise.resolve(openSqliteStore(currentFile())),
  plantRow: (row) => {
    const db = new Database(currentFile());
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
