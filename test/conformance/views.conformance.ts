import { afterEach, beforeEach, describe, expect } from 'vitest';
import { CheckpointConflictError } from '../../src/projections/errors.js';
import { normalizeRunsQuery, type RunRecord } from '../../src/projections/runsList.js';
import type { RunLifecycle } from '../../src/projections/status.js';
import type { UsageRow } from '../../src/projections/usage.js';
import type { ProjectionError, RunWrite, StoredRunViews, ViewCommit, ViewStore } from '../../src/projections/viewStore.js';
import type { RunsQuery } from '../../src/projections/api.js';
import { rejectionOf } from './appendCases.js';
import { declaredCases } from './declaredCases.js';
import type { ViewHarness } from './harness.js';

/**
 * Titles of the view store conformance cases (`ViewStore`, src/projections/viewStore.ts). A
 * harness that cannot pass one lists its title in `unsupported` with the reason.
 */
export const VIEW_CASES = {
  empty: 'a fresh view store has no checkpoint, versions, views, runs, usage or errors',
  roundTrip: 'a commit stores each run\'s status, trace and usage JSON as given, its runs-list row field for field, and the checkpoint',
  replaces: "a later commit replaces a run's views and row: the runs list finds it under its new status only",
  conflict: 'a commit from a checkpoint other than the stored one throws CheckpointConflictError (expected, actual) and writes nothing',
  hookFails: 'a commit whose beforeCheckpoint hook throws writes nothing of the batch',
  reset: 'reset drops every view, row, usage row, error and the checkpoint, and records the versions',
  reopen: 'views, checkpoint and versions are there again when the view store is reopened',
  order: 'queryRuns lists runs newest first by start time, the run id breaking ties, and returns up to limit + 1 rows',
  filters: 'queryRuns filters by status, by workflow, by both, and to top-level runs',
  paging: "paging with the last row's key walks every matching run exactly once, in order",
  matchRunIds: 'matchRunIds gives the runs whose id starts with the prefix (taken literally) in id order, the exact id first, at most limit',
  forksOf: 'forksOf lists the forks of a run by position, then run id, and no other run',
  runTrees: 'runTrees gives the rows of the top-level runs named and of every run below them',
  usage: 'usageRows gives every row, or those of one run and the runs below it; a commit with usage replaces the run\'s rows, one without keeps them',
  errors: 'recorded projection errors are listed in the order they were committed, field for field',
  bulkInsert: 'rows inserted by bulkInsertRuns are listed, matched, found in trees and as forks like committed ones',
} as const;

const T0 = Date.parse('2025-03-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const tokens = (n: number) => ({ requests: 1, inputTokens: n, outputTokens: 1, totalTokens: n + 1 });

/** A runs-list row: a top-level, running run unless `over` says otherwise (a child run names its rootRunId). */
function record(runId: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    workflow: 'content_generation',
    kind: 'sequential',
    status: 'running',
    model: 'offline',
    parentRunId: undefined,
    startedAt: at(0),
    endedAt: undefined,
    durationMs: undefined,
    activeMs: 0,
    usage: tokens(0),
    modelUsage: {},
    inputPreview: `input of ${runId}`,
    rootRunId: runId,
    forkOf: undefined,
    eventCount: 1,
    ...over,
  };
}

const views = (runId: string, tag = 'v1'): StoredRunViews => ({
  status: JSON.stringify({ runId, tag, status: 'running' }),
  trace: JSON.stringify({ runId, tag, spans: [{ name: 'step', children: [] }] }),
  usage: JSON.stringify({ steps: { s1: 'writer' }, tag }),
});

const write = (row: RunRecord, usage?: UsageRow[], tag?: string): RunWrite => ({
  runId: row.runId,
  views: views(row.runId, tag),
  row,
  ...(usage ? { usage } : {}),
});

const usageRow = (runId: string, rootRunId: string, agentId: string, n: number): UsageRow => ({ runId, rootRunId, agentId, model: 'offline', usage: tokens(n) });

const error = (n: number, over: Partial<ProjectionError> = {}): ProjectionError => ({
  globalPosition: String(100 + n),
  streamId: `run-${n}`,
  streamPosition: n,
  eventId: `event-${n}`,
  type: 'TaskSent',
  code: 'EVENT_REJECTED',
  message: `rejected ${n}: it's "bad"`,
  recordedAt: at(n),
  ...over,
});

const newestFirst = (a: RunRecord, b: RunRecord) => (a.startedAt === b.startedAt ? (a.runId < b.runId ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1);
const byRunId = <R extends { runId: string }>(rows: R[]) => [...rows].sort((a, b) => (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
const byKey = (rows: UsageRow[]) => [...rows].sort((a, b) => `${a.runId}\u0000${a.agentId}`.localeCompare(`${b.runId}\u0000${b.agentId}`));

/** Twelve runs over three workflows and four statuses, some child runs, several sharing a start time. */
function population(): RunRecord[] {
  const statuses: RunLifecycle[] = ['running', 'completed', 'failed', 'completed'];
  const workflows = ['content_generation', 'dynamic_content', 'content_router'];
  return Array.from({ length: 12 }, (_, i) => {
    const runId = `r${String((i * 7) % 12).padStart(2, '0')}-${i}`;
    const child = i % 5 === 4;
    return record(runId, {
      workflow: workflows[i % 3]!,
      status: statuses[i % 4]!,
      startedAt: at(Math.floor(i / 3)),
      ...(child ? { parentRunId: 'r00-0', rootRunId: 'r00-0' } : {}),
    });
  });
}

/**
 * The view store's conformance suite, run by each adapter's `<adapter>.test.ts` with its harness.
 * @example
 * ```ts
 * describeViewConformance({ name: 'sqlite', open, reopen });
 * ```
 */
export function describeViewConformance(harness: ViewHarness): void {
  describe(`view store conformance: ${harness.name}`, () => {
    let current: ViewStore | undefined;
    beforeEach(async () => {
      current = await harness.open();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
    const store = (): ViewStore => {
      if (!current) throw new Error('no view store is open');
      return current;
    };
    const reopen = async (): Promise<ViewStore> => {
      await current?.close();
      current = undefined;
      current = await harness.reopen();
      return current;
    };
    const test = declaredCases(harness, VIEW_CASES);
    const query = (q: RunsQuery = {}) => store().queryRuns(normalizeRunsQuery(q));
    /** Every run of `q`, page by page, following each page's last row. */
    const walk = async (q: RunsQuery): Promise<string[]> => {
      const out: string[] = [];
      let after: { startedAt: string; runId: string } | undefined;
      for (let page = 0; page < 100; page++) {
        const rows = await store().queryRuns({ ...normalizeRunsQuery(q), after });
        const limit = q.limit ?? 50;
        out.push(...rows.slice(0, limit).map((r) => r.runId));
        if (rows.length <= limit) return out;
        const last = rows[limit - 1]!;
        after = { startedAt: last.startedAt, runId: last.runId };
      }
      throw new Error('paging did not end');
    };
    /** Commit `runs` (and `errors`) after the stored checkpoint. */
    const commitNext = async (runs: RunWrite[], errors: ProjectionError[] = []): Promise<ViewCommit> => {
      const { checkpoint } = await store().readMeta();
      const batch = { expected: checkpoint, checkpoint: String(Number(checkpoint ?? '0') + 10), runs, errors };
      await store().commit(batch);
      return batch;
    };
    /** Everything a reader can see, to show that a failed commit wrote nothing. */
    const snapshot = async (runIds: string[]) => ({
      meta: await store().readMeta(),
      views: [...(await store().loadRuns(runIds))],
      runs: await query({ limit: 1000 }),
      usage: byKey(await store().usageRows()),
      errors: await store().errors(),
      forks: await Promise.all(runIds.map((id) => store().forksOf(id))),
      ids: await store().matchRunIds('r', 100),
    });

    test(VIEW_CASES.empty, async () => {
      const s = store();
      expect(await s.readMeta()).toEqual({ checkpoint: undefined, versions: undefined });
      expect(await s.loadRuns(['r1'])).toEqual(new Map());
      expect(await s.status('r1')).toBeUndefined();
      expect(await s.trace('r1')).toBeUndefined();
      expect(await query()).toEqual([]);
      expect(await s.usageRows()).toEqual([]);
      expect(await s.errors()).toEqual([]);
      expect(await s.matchRunIds('r', 10)).toEqual([]);
      expect(await s.forksOf('r1')).toEqual([]);
      expect(await s.runTrees(['r1'])).toEqual([]);
    });

    test(VIEW_CASES.roundTrip, async () => {
      const full = record('r1', {
        status: 'completed',
        model: 'gpt-4o',
        endedAt: at(90),
        durationMs: 90_000,
        activeMs: 61_234,
        usage: tokens(4321),
        modelUsage: { 'gpt-4o': tokens(4000), offline: tokens(321) },
        inputPreview: `Write about tides — "spring" and 'neap' 潮…`,
        eventCount: 42,
      });
      const bare = record('r2', { parentRunId: 'r1', rootRunId: 'r1', forkOf: { runId: 'r0', position: 7 }, startedAt: at(1) });
      const batch = await commitNext([write(full), write(bare)]);
      const s = store();
      expect(await s.loadRuns(['r1', 'missing', 'r2'])).toEqual(new Map([['r1', views('r1')], ['r2', views('r2')]]));
      expect(await s.status('r1')).toBe(views('r1').status);
      expect(await s.trace('r2')).toBe(views('r2').trace);
      expect(await s.status('missing')).toBeUndefined();
      expect(await query()).toEqual([bare, full]);
      expect((await s.readMeta()).checkpoint).toBe(batch.checkpoint);
    });

    test(VIEW_CASES.replaces, async () => {
      const started = record('r1', { status: 'running' });
      await commitNext([write(started), write(record('r2', { startedAt: at(1) }))]);
      const done = { ...started, status: 'completed' as const, endedAt: at(5), durationMs: 5000, activeMs: 4000, usage: tokens(10), eventCount: 9 };
      await commitNext([write(done, undefined, 'v2')]);
      expect(await store().status('r1')).toBe(views('r1', 'v2').status);
      expect((await store().loadRuns(['r1'])).get('r1')).toEqual(views('r1', 'v2'));
      expect(await query({ status: 'completed' })).toEqual([done]);
      expect((await query({ status: 'running' })).map((r) => r.runId)).toEqual(['r2']);
      expect((await query({ workflow: 'content_generation', status: 'running' })).map((r) => r.runId)).toEqual(['r2']);
      expect((await query()).map((r) => r.runId)).toEqual(['r2', 'r1']);
    });

    test(VIEW_CASES.conflict, async () => {
      const first = await commitNext([write(record('r1'))]);
      const before = await snapshot(['r1', 'r2']);
      const stale = { expected: undefined, checkpoint: '99', runs: [write(record('r2', { forkOf: { runId: 'r1', position: 1 } }), [usageRow('r2', 'r2', 'a', 1)])], errors: [error(1)] };
      const err = await rejectionOf(store().commit(stale));
      expect(err).toBeInstanceOf(CheckpointConflictError);
      expect(err).toMatchObject({ expected: undefined, actual: first.checkpoint });
      const ahead = await rejectionOf(store().commit({ ...stale, expected: '5' }));
      expect(ahead).toMatchObject({ expected: '5', actual: first.checkpoint });
      expect(await snapshot(['r1', 'r2'])).toEqual(before);
    });

    test(VIEW_CASES.hookFails, async () => {
      await commitNext([write(record('r1'))]);
      const before = await snapshot(['r1', 'r2']);
      const { checkpoint } = before.meta;
      const batch: ViewCommit = {
        expected: checkpoint,
        checkpoint: '500',
        runs: [write(record('r1', { status: 'failed' }), [usageRow('r1', 'r1', 'a', 3)], 'v2'), write(record('r2', { forkOf: { runId: 'r1', position: 2 } }))],
        errors: [error(1)],
      };
      const err = await rejectionOf(store().commit(batch, () => {
        throw new Error('crash before the checkpoint');
      }));
      expect(String(err)).toMatch(/crash before the checkpoint/);
      expect(await snapshot(['r1', 'r2'])).toEqual(before);
      await store().commit(batch);
      expect((await store().readMeta()).checkpoint).toBe('500');
    });

    test(VIEW_CASES.reset, async () => {
      await commitNext([write(record('r1'), [usageRow('r1', 'r1', 'a', 1)]), write(record('r2', { forkOf: { runId: 'r1', position: 3 } }))], [error(1)]);
      const versions = { status: 3, trace: 5, usage: 1 };
      await store().reset(versions);
      expect(await store().readMeta()).toEqual({ checkpoint: undefined, versions });
      expect(await snapshot(['r1', 'r2'])).toEqual({ meta: { checkpoint: undefined, versions }, views: [], runs: [], usage: [], errors: [], forks: [[], []], ids: [] });
      expect(await store().runTrees(['r1'])).toEqual([]);
      // The views start again from the first event.
      await store().commit({ expected: undefined, checkpoint: '1', runs: [write(record('r3'))], errors: [] });
      expect((await query()).map((r) => r.runId)).toEqual(['r3']);
      expect((await store().readMeta()).versions).toEqual(versions);
    });

    test(VIEW_CASES.reopen, async () => {
      const versions = { status: 2, trace: 4 };
      await store().reset(versions);
      const child = record('r2', { parentRunId: 'r1', rootRunId: 'r1', forkOf: { runId: 'r0', position: 4 } });
      const batch = await commitNext([write(record('r1'), [usageRow('r1', 'r1', 'a', 2)]), write(child)], [error(1)]);
      const before = await snapshot(['r0', 'r1', 'r2']);
      const reopened = await reopen();
      expect(await snapshot(['r0', 'r1', 'r2'])).toEqual(before);
      expect(before.meta).toEqual({ checkpoint: batch.checkpoint, versions });
      expect(before.runs).toHaveLength(2);
      expect(await reopened.status('r2')).toBe(views('r2').status);
    });

    test(VIEW_CASES.order, async () => {
      const rows = population();
      await commitNext(rows.map((r) => write(r)));
      const expected = [...rows].sort(newestFirst);
      expect(await query({ limit: 1000 })).toEqual(expected);
      expect((await query({ limit: 4 })).map((r) => r.runId)).toEqual(expected.slice(0, 5).map((r) => r.runId));
      expect((await query({ limit: 12 })).map((r) => r.runId)).toEqual(expected.map((r) => r.runId));
      // Runs sharing a start time: the greater run id comes first.
      const tied = expected.filter((r) => r.startedAt === at(0)).map((r) => r.runId);
      expect(tied).toEqual([...tied].sort().reverse());
      expect(tied.length).toBeGreaterThan(1);
    });

    test(VIEW_CASES.filters, async () => {
      const rows = population();
      await commitNext(rows.map((r) => write(r)));
      const want = (q: RunsQuery) =>
        rows
          .filter((r) => (q.status === undefined || r.status === q.status) && (q.workflow === undefined || r.workflow === q.workflow) && (!q.rootOnly || r.parentRunId === undefined))
          .sort(newestFirst)
          .map((r) => r.runId);
      const queries: RunsQuery[] = [
        { status: 'completed' },
        { status: 'failed' },
        { workflow: 'dynamic_content' },
        { workflow: 'content_router', status: 'completed' },
        { rootOnly: true },
        { rootOnly: true, status: 'running' },
        { status: 'cancelled' },
        { workflow: 'no_such_flow' },
      ];
      for (const q of queries) expect((await query({ ...q, limit: 100 })).map((r) => r.runId), JSON.stringify(q)).toEqual(want(q));
      expect(want({ rootOnly: true, status: 'running' }).length).toBeLessThan(want({ status: 'running' }).length);
    });

    test(VIEW_CASES.paging, async () => {
      const rows = population();
      await commitNext(rows.map((r) => write(r)));
      const all = [...rows].sort(newestFirst).map((r) => r.runId);
      for (const limit of [1, 2, 5, 11, 12, 13]) expect(await walk({ limit }), `limit ${limit}`).toEqual(all);
      const completed = [...rows].filter((r) => r.status === 'completed').sort(newestFirst).map((r) => r.runId);
      expect(await walk({ status: 'completed', limit: 2 })).toEqual(completed);
      const roots = [...rows].filter((r) => r.parentRunId === undefined).sort(newestFirst).map((r) => r.runId);
      expect(await walk({ rootOnly: true, limit: 3 })).toEqual(roots);
    });

    test(VIEW_CASES.matchRunIds, async () => {
      const ids = ['abc', 'abc.1', 'abc.2', 'abcd', 'abd', 'a_b', 'axb', 'b'];
      await commitNext(ids.map((id, i) => write(record(id, { startedAt: at(i) }))));
      const s = store();
      expect(await s.matchRunIds('abc', 10)).toEqual(['abc', 'abc.1', 'abc.2', 'abcd']);
      expect(await s.matchRunIds('abc', 2)).toEqual(['abc', 'abc.1']);
      expect(await s.matchRunIds('abc.', 10)).toEqual(['abc.1', 'abc.2']);
      expect(await s.matchRunIds('ab', 10)).toEqual(['abc', 'abc.1', 'abc.2', 'abcd', 'abd']);
      expect(await s.matchRunIds('a_', 10)).toEqual(['a_b']);
      expect(await s.matchRunIds('b', 10)).toEqual(['b']);
      expect(await s.matchRunIds('c', 10)).toEqual([]);
    });

    test(VIEW_CASES.forksOf, async () => {
      const forks = [
        record('f-late', { forkOf: { runId: 'origin', position: 9 } }),
        record('f-b', { forkOf: { runId: 'origin', position: 3 } }),
        record('f-a', { forkOf: { runId: 'origin', position: 3 } }),
        record('f-other', { forkOf: { runId: 'elsewhere', position: 1 } }),
      ];
      await commitNext([write(record('origin')), ...forks.slice(0, 2).map((r) => write(r))]);
      await commitNext(forks.slice(2).map((r) => write(r)));
      expect(await store().forksOf('origin')).toEqual([
        { runId: 'f-a', position: 3 },
        { runId: 'f-b', position: 3 },
        { runId: 'f-late', position: 9 },
      ]);
      expect(await store().forksOf('elsewhere')).toEqual([{ runId: 'f-other', position: 1 }]);
      expect(await store().forksOf('f-a')).toEqual([]);
    });

    test(VIEW_CASES.runTrees, async () => {
      const root = record('root');
      const child = record('root.1', { parentRunId: 'root', rootRunId: 'root' });
      const grandchild = record('root.1.1', { parentRunId: 'root.1', rootRunId: 'root' });
      const other = record('other');
      const otherChild = record('other.1', { parentRunId: 'other', rootRunId: 'other' });
      const alone = record('alone');
      await commitNext([root, child, grandchild, other, otherChild, alone].map((r) => write(r)));
      expect(byRunId(await store().runTrees(['root']))).toEqual(byRunId([root, child, grandchild]));
      expect(byRunId(await store().runTrees(['root', 'other']))).toEqual(byRunId([root, child, grandchild, other, otherChild]));
      expect(await store().runTrees(['alone'])).toEqual([alone]);
      expect(await store().runTrees(['nobody'])).toEqual([]);
      expect(await store().runTrees([])).toEqual([]);
    });

    test(VIEW_CASES.usage, async () => {
      const root = record('root');
      const child = record('root.1', { parentRunId: 'root', rootRunId: 'root' });
      const other = record('other');
      const rootRows = [usageRow('root', 'root', 'writer', 10), usageRow('root', 'root', 'critic', 20)];
      const childRows = [usageRow('root.1', 'root', 'writer', 30)];
      const otherRows = [usageRow('other', 'other', 'writer', 40)];
      await commitNext([write(root, rootRows), write(child, childRows), write(other, otherRows)]);
      expect(byKey(await store().usageRows())).toEqual(byKey([...rootRows, ...childRows, ...otherRows]));
      expect(byKey(await store().usageRows('root'))).toEqual(byKey([...rootRows, ...childRows]));
      expect(byKey(await store().usageRows('root.1'))).toEqual(childRows);
      expect(await store().usageRows('nobody')).toEqual([]);
      // Replaced by the rows of the next commit that carries usage; kept by one that does not.
      const grown = [usageRow('root', 'root', 'writer', 15)];
      await commitNext([write(root, grown), write(other)]);
      expect(byKey(await store().usageRows())).toEqual(byKey([...grown, ...childRows, ...otherRows]));
      await commitNext([write(root, [])]);
      expect(byKey(await store().usageRows('root'))).toEqual(childRows);
    });

    test(VIEW_CASES.errors, async () => {
      const first = [error(2), error(1, { eventId: undefined, type: undefined, code: 'CORRUPT_EVENT' })];
      await commitNext([], first);
      await commitNext([write(record('r1'))], [error(3)]);
      await commitNext([], []);
      expect(await store().errors()).toEqual([...first, error(3)]);
    });

    test(VIEW_CASES.bulkInsert, async () => {
      const root = record('bulk-root', { startedAt: at(1) });
      const child = record('bulk-root.1', { parentRunId: 'bulk-root', rootRunId: 'bulk-root', startedAt: at(2), status: 'failed' });
      const fork = record('bulk-fork', { forkOf: { runId: 'bulk-root', position: 5 }, startedAt: at(3) });
      await commitNext([write(record('committed', { startedAt: at(0) }))]);
      await store().bulkInsertRuns([root, child, fork]);
      expect((await query()).map((r) => r.runId)).toEqual(['bulk-fork', 'bulk-root.1', 'bulk-root', 'committed']);
      expect(await query({ status: 'failed' })).toEqual([child]);
      expect(await store().matchRunIds('bulk-r', 10)).toEqual(['bulk-root', 'bulk-root.1']);
      expect(byRunId(await store().runTrees(['bulk-root']))).toEqual(byRunId([root, child]));
      expect(await store().forksOf('bulk-root')).toEqual([{ runId: 'bulk-fork', position: 5 }]);
      expect(await walk({ limit: 1 })).toEqual(['bulk-fork', 'bulk-root.1', 'bulk-root', 'committed']);
    });
  });
}
