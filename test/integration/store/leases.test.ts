import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/openStore.js';
import { testStoreUrls } from '../../support/stores.js';

// What every lease adapter promises is the lease conformance suite (test/conformance/leases.conformance.ts,
// run by each adapter's file there); this file keeps what only the SQLite adapter does.

const urls = testStoreUrls('l');

describe('a SQLite file written before runs could park', () => {
  it('gains the not_before column on open and keeps its queued runs claimable', async () => {
    const url = urls.sqlite();
    const db = new Database(url.slice('sqlite:'.length));
    db.exec(`CREATE TABLE run_leases (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, max_running INTEGER, holder TEXT, expires_at INTEGER,
      enqueued_at INTEGER NOT NULL, seq INTEGER NOT NULL, claims INTEGER NOT NULL DEFAULT 0);
      INSERT INTO run_leases VALUES ('old', 'wf', NULL, NULL, NULL, 1, 1, 0);`);
    db.close();
    const store = await openStore(url);
    expect((await store.leases!.leases(['old']))[0]).toMatchObject({ parked: false, wakeAt: undefined });
    await store.leases!.park({ runId: 'later', workflow: 'wf' });
    expect((await store.leases!.claim({ workerId: 'w', leaseMs: 60_000, max: 5 })).map((c) => c.runId)).toEqual(['old']);
    await store.close();
  });
});
