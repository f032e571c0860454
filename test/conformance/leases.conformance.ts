import { describe, expect } from 'vitest';
import type { EventStore } from '../../src/store/eventStore.js';
import type { LeaseStore, WorkerInfo } from '../../src/store/leases.js';
import { declaredCases } from './declaredCases.js';
import type { SharedStoreHarness } from './harness.js';
import { testStores } from './testStores.js';

/**
 * Titles of the lease conformance cases (`LeaseStore`, src/store/leases.ts). A harness that
 * cannot pass one lists its title in `unsupported` with the reason.
 */
export const LEASE_CASES = {
  oldestFirst: 'hands each queued run to one worker, oldest first, and never twice while its lease lives',
  expiredFirst: 'gives a run whose lease expired to another worker before new runs, marked resumed',
  released: 'a released run is claimable at once, before queued ones; finish forgets it',
  finishHolder: 'finish forgets only the row of the holder named, and any row when none is named, whatever the ids contain',
  limit: "never hands out more runs of a workflow than its limit, across workers, and honours a worker's workflow filter",
  turns: 'takes turns across workflows: a burst of one workflow does not starve an older queue of another',
  park: 'a parked run gives its lease up and is never claimed until woken; a parked run with a wake time is claimable once it is due',
  parkHolder: 'parking only takes a run from the executor that holds it',
  parkUnheld: 'parking with an executor named takes a run that nobody holds',
  workers: 'lists workers while their heartbeat lives and drops them after',
  heartbeatReplaces: "a worker's next heartbeat replaces its announcement and moves its expiry to ttl from now",
  enqueueIdempotent: 'enqueueing a run already known keeps its row: workflow, holder, enqueue time and claims',
  listAll: 'leases() without ids lists every known run with its holder, expiry, enqueue time and claim count; unknown ids are absent',
  claimsCount: 'every claim counts: a run claimed again after its lease expired is resumed and has two claims',
  renew: 'renew moves the expiry of the runs the worker holds to leaseMs from now and leaves out the others',
  emptyFilter: 'a claim with an empty workflow filter hands out nothing',
  shared: 'is shared by every process opening the same store',
  concurrentClaims: 'claims issued at once through two stores never hand a run out twice nor pass a workflow limit',
} as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (claimed: ReadonlyArray<{ runId: string }>) => claimed.map((c) => c.runId);
const worker = (id: string, over: Partial<WorkerInfo> = {}): WorkerInfo => ({ id, host: 'h', pid: 1, concurrency: 8, held: 0, draining: false, ...over });

function leasesOf(store: EventStore): LeaseStore {
  if (!store.leases) throw new Error(`the ${store.kind} store has no lease port`);
  return store.leases;
}

/**
 * The lease port's conformance suite, run by each adapter's `<adapter>.test.ts` with its harness.
 * @example
 * ```ts
 * describeLeaseConformance({ name: 'sqlite', open, openShared });
 * ```
 */
export function describeLeaseConformance(harness: SharedStoreHarness): void {
  describe(`lease conformance: ${harness.name}`, () => {
    const { store, extra } = testStores(() => harness.open());
    const shared = () => extra(() => harness.openShared());
    const test = declaredCases(harness, LEASE_CASES);
    const leasesNow = () => leasesOf(store());

    test(LEASE_CASES.oldestFirst, async () => {
      const leases = leasesNow();
      for (const id of ['a', 'b', 'c']) await leases.enqueue({ runId: id, workflow: 'wf' });
      const first = await leases.claim({ workerId: 'w1', leaseMs: 60_000, max: 2 });
      const second = await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 5 });
      expect(ids(first)).toEqual(['a', 'b']);
      expect(ids(second)).toEqual(['c']);
      expect(first.every((c) => !c.resumed)).toBe(true);
      expect(await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 5 })).toEqual([]);
    });

    test(LEASE_CASES.expiredFirst, async () => {
      const leases = leasesNow();
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
    });

    test(LEASE_CASES.released, async () => {
      const leases = leasesNow();
      await leases.enqueue({ runId: 'x', workflow: 'wf', holder: 'w1', leaseMs: 60_000 });
      await leases.enqueue({ runId: 'y', workflow: 'wf' });
      await leases.release('x', 'someone-else');
      expect((await leases.leases(['x']))[0]).toMatchObject({ holder: 'w1', live: true });
      await leases.release('x', 'w1');
      expect(ids(await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 1 }))).toEqual(['x']);
      await leases.finish('x', 'w2');
      expect(await leases.leases(['x'])).toEqual([]);
    });

    test(LEASE_CASES.finishHolder, async () => {
      const leases = leasesNow();
      const odd = "run-o'brien\\x";
      await leases.enqueue({ runId: odd, workflow: 'wf', holder: "w'1", leaseMs: 60_000 });
      await leases.enqueue({ runId: 'z', workflow: 'wf' });
      await leases.finish(odd, 'w1');
      expect((await leases.leases([odd]))[0]).toMatchObject({ holder: "w'1" });
      await leases.finish(odd, "w'1");
      await leases.finish('z');
      expect(await leases.leases([odd, 'z'])).toEqual([]);
    });

    test(LEASE_CASES.limit, async () => {
      const leases = leasesNow();
      for (let i = 0; i < 5; i++) await leases.enqueue({ runId: `l${i}`, workflow: 'limited', limit: 2 });
      await leases.enqueue({ runId: 'free', workflow: 'other' });
      const a = await leases.claim({ workerId: 'w1', leaseMs: 60_000, max: 1, workflows: ['limited'] });
      const b = await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 10 });
      expect(ids(a)).toEqual(['l0']);
      expect(ids(b)).toEqual(['l1', 'free']);
      await leases.finish('l0', 'w1');
      expect(ids(await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 10 }))).toEqual(['l2']);
    });

    test(LEASE_CASES.turns, async () => {
      const leases = leasesNow();
      for (let i = 0; i < 4; i++) await leases.enqueue({ runId: `burst${i}`, workflow: 'burst' });
      await leases.enqueue({ runId: 'other0', workflow: 'other' });
      await leases.enqueue({ runId: 'other1', workflow: 'other' });
      const claimed = await leases.claim({ workerId: 'w', leaseMs: 60_000, max: 4 });
      expect(ids(claimed)).toEqual(['burst0', 'other0', 'burst1', 'other1']);
    });

    test(LEASE_CASES.park, async () => {
      const leases = leasesNow();
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
      expect(ids(await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 5 }))).toEqual(['sleeps']);
      expect((await leases.leases(['sleeps']))[0]).toMatchObject({ holder: 'w3', parked: false });
    });

    test(LEASE_CASES.parkHolder, async () => {
      const leases = leasesNow();
      await leases.enqueue({ runId: 'r', workflow: 'wf', holder: 'w1', leaseMs: 60_000 });
      await leases.park({ runId: 'r', workflow: 'wf', holder: 'someone-else' });
      expect((await leases.leases(['r']))[0]).toMatchObject({ holder: 'w1', live: true, parked: false });
    });

    test(LEASE_CASES.parkUnheld, async () => {
      const leases = leasesNow();
      await leases.enqueue({ runId: 'r', workflow: 'wf' });
      await leases.park({ runId: 'r', workflow: 'wf', holder: 'w1' });
      expect((await leases.leases(['r']))[0]).toMatchObject({ holder: undefined, parked: true, wakeAt: undefined });
      expect(await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 5 })).toEqual([]);
    });

    test(LEASE_CASES.workers, async () => {
      const leases = leasesNow();
      await leases.heartbeat({ id: 'w1', host: 'h', pid: 1, concurrency: 8, held: 2, draining: false }, 60_000);
      await leases.heartbeat({ id: 'w2', host: 'h', pid: 2, concurrency: 4, held: 0, draining: true }, 1);
      await sleep(30);
      const live = await leases.workers();
      expect(live.map((w) => w.id)).toEqual(['w1']);
      expect(live[0]).toMatchObject({ host: 'h', pid: 1, concurrency: 8, held: 2, draining: false });
      await leases.removeWorker('w1');
      expect(await leases.workers()).toEqual([]);
    });

    test(LEASE_CASES.heartbeatReplaces, async () => {
      const leases = leasesNow();
      await leases.heartbeat(worker('w1', { held: 0 }), 40);
      const before = Date.now();
      await leases.heartbeat(worker('w1', { host: 'h2', pid: 7, concurrency: 2, held: 3, draining: true }), 60_000);
      const after = Date.now();
      await sleep(80); // past the first heartbeat's ttl
      const live = await leases.workers();
      expect(live).toHaveLength(1);
      expect(live[0]).toMatchObject({ id: 'w1', host: 'h2', pid: 7, concurrency: 2, held: 3, draining: true });
      // The store's clock may be the database's: allow it a little drift from this process's.
      expect(live[0]!.heartbeatAt).toBeGreaterThanOrEqual(before - 1000);
      expect(live[0]!.heartbeatAt).toBeLessThanOrEqual(after + 1000);
      expect(live[0]!.expiresAt).toBeGreaterThanOrEqual(before - 1000 + 60_000);
      expect(live[0]!.expiresAt).toBeLessThanOrEqual(after + 1000 + 60_000);
    });

    test(LEASE_CASES.enqueueIdempotent, async () => {
      const leases = leasesNow();
      await leases.enqueue({ runId: 'r', workflow: 'wf', holder: 'w1', leaseMs: 60_000 });
      const [first] = await leases.leases(['r']);
      await sleep(5);
      await leases.enqueue({ runId: 'r', workflow: 'other' });
      await leases.enqueue({ runId: 'r', workflow: 'other', holder: 'w2', leaseMs: 1 });
      const [again] = await leases.leases(['r']);
      expect(first).toMatchObject({ workflow: 'wf', holder: 'w1', live: true, claims: 1 });
      expect(again).toEqual(first);
    });

    test(LEASE_CASES.listAll, async () => {
      const leases = leasesNow();
      const before = Date.now();
      await leases.enqueue({ runId: 'a', workflow: 'wf' });
      await leases.enqueue({ runId: 'b', workflow: 'other', holder: 'w1', leaseMs: 60_000 });
      await leases.enqueue({ runId: 'c', workflow: 'wf' });
      await leases.claim({ workerId: 'w2', leaseMs: 30_000, max: 1 });
      const after = Date.now();
      const all = [...(await leases.leases())].sort((x, y) => (x.runId < y.runId ? -1 : 1));
      expect(all.map((l) => l.runId)).toEqual(['a', 'b', 'c']);
      expect(all[0]).toMatchObject({ workflow: 'wf', holder: 'w2', live: true, claims: 1, parked: false, wakeAt: undefined });
      expect(all[1]).toMatchObject({ workflow: 'other', holder: 'w1', live: true, claims: 1, parked: false });
      expect(all[2]).toMatchObject({ workflow: 'wf', holder: undefined, expiresAt: undefined, live: false, claims: 0, parked: false });
      // The store's clock may be the database's: allow it a little drift from this process's.
      for (const l of all) {
        expect(l.enqueuedAt).toBeGreaterThanOrEqual(before - 1000);
        expect(l.enqueuedAt).toBeLessThanOrEqual(after + 1000);
      }
      expect(all[0]!.expiresAt).toBeGreaterThanOrEqual(before - 1000 + 30_000);
      expect(all[0]!.expiresAt).toBeLessThanOrEqual(after + 1000 + 30_000);
      expect(all[1]!.expiresAt).toBeGreaterThanOrEqual(before - 1000 + 60_000);
      expect(await leases.leases(['nobody', 'c'])).toEqual([all[2]]);
      expect(await leases.leases([])).toEqual([]);
    });

    test(LEASE_CASES.claimsCount, async () => {
      const leases = leasesNow();
      await leases.enqueue({ runId: 'r', workflow: 'wf' });
      expect(await leases.claim({ workerId: 'w1', leaseMs: 1, max: 1 })).toEqual([{ runId: 'r', workflow: 'wf', resumed: false }]);
      expect((await leases.leases(['r']))[0]).toMatchObject({ holder: 'w1', claims: 1 });
      await sleep(30);
      expect(await leases.claim({ workerId: 'w2', leaseMs: 60_000, max: 1 })).toEqual([{ runId: 'r', workflow: 'wf', resumed: true }]);
      expect((await leases.leases(['r']))[0]).toMatchObject({ holder: 'w2', live: true, claims: 2 });
    });

    test(LEASE_CASES.renew, async () => {
      const leases = leasesNow();
      await leases.enqueue({ runId: 'mine', workflow: 'wf', holder: 'w1', leaseMs: 60 });
      await leases.enqueue({ runId: 'theirs', workflow: 'wf', holder: 'w2', leaseMs: 60_000 });
      const before = Date.now();
      expect(await leases.renew('w1', ['mine', 'theirs', 'unknown'], 60_000)).toEqual(['mine']);
      await sleep(100); // past the first lease of 'mine'
      const [mine] = await leases.leases(['mine']);
      expect(mine).toMatchObject({ holder: 'w1', live: true });
      expect(mine!.expiresAt).toBeGreaterThanOrEqual(before - 1000 + 60_000);
      expect((await leases.leases(['theirs']))[0]).toMatchObject({ holder: 'w2', live: true });
      expect(await leases.claim({ workerId: 'w3', leaseMs: 60_000, max: 5 })).toEqual([]);
      expect(await leases.renew('w1', [], 60_000)).toEqual([]);
    });

    test(LEASE_CASES.emptyFilter, async () => {
      const leases = leasesNow();
      await leases.enqueue({ runId: 'r', workflow: 'wf' });
      expect(await leases.claim({ workerId: 'w1', leaseMs: 60_000, max: 5, workflows: [] })).toEqual([]);
      expect(ids(await leases.claim({ workerId: 'w1', leaseMs: 60_000, max: 5, workflows: ['wf'] }))).toEqual(['r']);
    });

    test(LEASE_CASES.shared, async () => {
      const leases = leasesNow();
      const other = leasesOf(await shared());
      await leases.enqueue({ runId: 'shared', workflow: 'wf' });
      expect(ids(await other.claim({ workerId: 'w9', leaseMs: 60_000, max: 1 }))).toEqual(['shared']);
      expect((await leases.leases(['shared']))[0]).toMatchObject({ holder: 'w9', live: true });
      await other.heartbeat(worker('w9'), 60_000);
      expect((await leases.workers()).map((w) => w.id)).toEqual(['w9']);
    });

    test(LEASE_CASES.concurrentClaims, async () => {
      const leases = leasesNow();
      const other = leasesOf(await shared());
      for (let i = 0; i < 20; i++) await leases.enqueue({ runId: `free${i}`, workflow: 'free' });
      for (let i = 0; i < 6; i++) await leases.enqueue({ runId: `lim${i}`, workflow: 'limited', limit: 2 });
      const rounds = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? leases : other).claim({ workerId: `w${i}`, leaseMs: 60_000, max: 4 })),
      );
      const claimed = rounds.flat().map((c) => c.runId);
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.filter((id) => id.startsWith('lim'))).toHaveLength(2);
      expect(claimed.filter((id) => id.startsWith('free')).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `free${i}`).sort());
      const held = (await leases.leases()).filter((l) => l.holder !== undefined);
      expect(held.map((l) => l.runId).sort()).toEqual([...claimed].sort());
    });
  });
}
