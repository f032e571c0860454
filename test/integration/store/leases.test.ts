import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventStore } from '../../../src/store/eventStore.js';
import type { LeaseStore } from '../../../src/store/leases.js';
import { openStore } from '../../../src/store/openStore.js';
import { testStoreUrls } from '../../support/stores.js';

const urls = testStoreUrls('l');

const adapters: Record<string, () => Promise<{ url: string; store: EventStore }>> = {
  memory: async () => ({ url: 'memory:', store: await openStore('memory:') }),
  sqlite: async () => {
    const url = urls.sqlite();
    return { url, store: await openStore(url) };
  },
  postgres: async () => {
    const url = urls.postgres();
    return { url, store: await openStore(url) };
  },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(Object.keys(adapters))('leases on %s', (name) => {
  const open = async (): Promise<{ url: string; store: EventStore; leases: LeaseStore }> => {
    const { url, store } = await adapters[name]!();
    if (!store.leases) throw new Error(`${name} has no leases`);
    return { url, store, leases: store.leases };
  };

  it('hands each queued run to one worker, oldest first, and never twice while its lease lives', async () => {
    const { store, leases } = await open();
    for (const id of ['a', 'b', 'c']) await leases.enqueue({ runId: id, workflow: 'wf' });
    const first = await leases.claim({ workerId: 'w1', leaseMs: 60_000, max: 2 });
    const second = await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 5 });
    expect(first.map((c) => c.runId)).toEqual(['a', 'b']);
    expect(second.map((c) => c.runId)).toEqual(['c']);
    expect(first.every((c) => !c.resumed)).toBe(true);
    expect(await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 5 })).toEqual([]);
    await store.close();
  });

  it('gives a run whose lease expired to another worker before new runs, marked resumed', async () => {
    const { store, leases } = await open();
    await leases.enqueue({ runId: 'old', workflow: 'wf' });
    await leases.claim({ workerId: 'dead', leaseMs: 1, max: 1 });
    await leases.enqueue({ runId: 'new', workflow: 'wf' });
    await sleep(30);
    const [lease] = await leases.leases(['old']);
    expect(lease).toMatchObject({ holder: 'dead', live: false });
    const claimed = await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 1 });
    expect(claimed).toEqual([{ runId: 'old', workflow: 'wf', resumed: true }]);
    // The old holder has lost it: its renewal says so.
    expect(await leases.renew('dead', ['old'], 60_000)).toEqual([]);
    expect(await leases.renew('w2', ['old'], 60_000)).toEqual(['old']);
    await store.close();
  });

  it('a released run is claimable at once, before queued ones; finish forgets it', async () => {
    const { store, leases } = await open();
    await leases.enqueue({ runId: 'x', workflow: 'wf', holder: 'w1', leaseMs: 60_000 });
    await leases.enqueue({ runId: 'y', workflow: 'wf' });
    await leases.release('x', 'someone-else');
    expect((await leases.leases(['x']))[0]).toMatchObject({ holder: 'w1', live: true });
    await leases.release('x', 'w1');
    expect((await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 1 })).map((c) => c.runId)).toEqual(['x']);
    await leases.finish('x', 'w2');
    expect(await leases.leases(['x'])).toEqual([]);
    await store.close();
  });

  it('finish forgets only the row of the holder named, and any row when none is named, whatever the ids contain', async () => {
    const { store, leases } = await open();
    const odd = "run-o'brien\\x";
    await leases.enqueue({ runId: odd, workflow: 'wf', holder: "w'1", leaseMs: 60_000 });
    await leases.enqueue({ runId: 'z', workflow: 'wf' });
    await leases.finish(odd, 'w1');
    expect((await leases.leases([odd]))[0]).toMatchObject({ holder: "w'1" });
    await leases.finish(odd, "w'1");
    await leases.finish('z');
    expect(await leases.leases([odd, 'z'])).toEqual([]);
    await store.close();
  });

  it("never hands out more runs of a workflow than its limit, across workers, and honours a worker's workflow filter", async () => {
    const { store, leases } = await open();
    for (let i = 0; i < 5; i++) await leases.enqueue({ runId: `l${i}`, workflow: 'limited', limit: 2 });
    await leases.enqueue({ runId: 'free', workflow: 'other' });
    const a = await leases.claim({ workerId: 'w1', leaseMs: 60_000, max: 1, workflows: ['limited'] });
    const b = await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 10 });
    expect(a.map((c) => c.runId)).toEqual(['l0']);
    expect(b.map((c) => c.runId)).toEqual(['l1', 'free']);
    await leases.finish('l0', 'w1');
    expect((await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 10 })).map((c) => c.runId)).toEqual(['l2']);
    await store.close();
  });

  it('takes turns across workflows: a burst of one workflow does not starve an older queue of another', async () => {
    const { store, leases } = await open();
    for (let i = 0; i < 4; i++) await leases.enqueue({ runId: `burst${i}`, workflow: 'burst' });
    await leases.enqueue({ runId: 'other0', workflow: 'other' });
    await leases.enqueue({ runId: 'other1', workflow: 'other' });
    const claimed = await leases.claim({ workerId: 'w', leaseMs: 60_000, max: 4 });
    expect(claimed.map((c) => c.runId)).toEqual(['burst0', 'other0', 'burst1', 'other1']);
    await store.close();
  });

  it('a parked run gives its lease up and is never claimed until woken; a parked run with a wake time is claimable once it is due', async () => {
    const { store, leases } = await open();
    await leases.enqueue({ runId: 'waits', workflow: 'wf', holder: 'w1', leaseMs: 60_000 });
    await leases.park({ runId: 'waits', workflow: 'wf', holder: 'w1' });
    expect((await leases.leases(['waits']))[0]).toMatchObject({ holder: undefined, live: false, parked: true, wakeAt: undefined });
    expect(await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 5 })).toEqual([]);
    await leases.wake('waits');
    expect((await leases.leases(['waits']))[0]).toMatchObject({ parked: false });
    expect(await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 5 })).toEqual([{ runId: 'waits', workflow: 'wf', resumed: true }]);

    const wakeAt = Date.now() + 300;
    await leases.park({ runId: 'sleeps', workflow: 'wf', wakeAt });
    expect((await leases.leases(['sleeps']))[0]).toMatchObject({ parked: true, wakeAt });
    expect(await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 5 })).toEqual([]);
    await sleep(Math.max(0, wakeAt - Date.now()) + 50);
    expect((await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 5 })).map((c) => c.runId)).toEqual(['sleeps']);
    expect((await leases.leases(['sleeps']))[0]).toMatchObject({ holder: 'w3', parked: false });
    await store.close();
  });

  it('parking only takes a run from the executor that holds it', async () => {
    const { store, leases } = await open();
    await leases.enqueue({ runId: 'r', workflow: 'wf', holder: 'w1', leaseMs: 60_000 });
    await leases.park({ runId: 'r', workflow: 'wf', holder: 'someone-else' });
    expect((await leases.leases(['r']))[0]).toMatchObject({ holder: 'w1', live: true, parked: false });
    await store.close();
  });

  it('lists workers while their heartbeat lives and drops them after', async () => {
    const { store, leases } = await open();
    await leases.heartbeat({ id: 'w1', host: 'h', pid: 1, concurrency: 8, held: 2, draining: false }, 60_000);
    await leases.heartbeat({ id: 'w2', host: 'h', pid: 2, concurrency: 4, held: 0, draining: true }, 1);
    await sleep(30);
    const live = await leases.workers();
    expect(live.map((w) => w.id)).toEqual(['w1']);
    expect(live[0]).toMatchObject({ host: 'h', pid: 1, concurrency: 8, held: 2, draining: false });
    await leases.removeWorker('w1');
    expect(await leases.workers()).toEqual([]);
    await store.close();
  });

  if (name !== 'memory') {
    it('is shared by every process opening the same store', async () => {
      const { url, store, leases } = await open();
      const other = await openStore(url);
      await leases.enqueue({ runId: 'shared', workflow: 'wf' });
      expect((await other.leases!.claim({ workerId: 'w9', leaseMs: 60_000, max: 1 })).map((c) => c.runId)).toEqual(['shared']);
      expect((await leases.leases(['shared']))[0]).toMatchObject({ holder: 'w9', live: true });
      await other.close();
      await store.close();
    });
  }
});

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
