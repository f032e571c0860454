import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryStore, openProjections, openStore, type EventStore, type ProjectionsHandle, type RunsQuery } from '../../../src/index.js';
import type { RunRecord } from '../../../src/projections/runsList.js';
import type { RunLifecycle } from '../../../src/projections/status.js';
import { dropSchemas, pgUrl, tempDir } from './support.js';

/**
 * The runs list with 100,000 rows (inserted straight into the view store): filtered pages use an
 * index in newest-first order (checked in the database's query plan), page through every match
 * exactly once, and stay stable when newer runs arrive between pages.
 */

const COUNT = 100_000;
// One run in twenty of each rarer status: selective enough that every planner prefers the status index to a filtered scan.
const STATUSES: RunLifecycle[] = [...Array<RunLifecycle>(15).fill('completed'), 'failed', 'running', 'partial', 'cancelled', 'retrying'];
const WORKFLOWS = ['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving'];

function record(i: number, base = Date.parse('2025-01-01T00:00:00.000Z')): RunRecord {
  const runId = `r${String((i * 7919) % 1_000_003).padStart(7, '0')}-${i}`;
  const child = i % 10 === 3;
  return {
    runId,
    workflow: i % 100 === 7 ? 'rare_flow' : WORKFLOWS[i % WORKFLOWS.length]!,
    kind: 'sequential',
    status: STATUSES[(i * 31) % STATUSES.length]!,
    model: 'offline',
    parentRunId: child ? `parent-${i}` : undefined,
    // Several runs share a millisecond: the run id breaks the tie.
    startedAt: new Date(base + Math.floor(i / 3) * 1000).toISOString(),
    endedAt: undefined,
    durationMs: undefined,
    activeMs: 0,
    usage: { requests: 1, inputTokens: i % 100, outputTokens: 1, totalTokens: (i % 100) + 1 },
    modelUsage: { offline: { requests: 1, inputTokens: i % 100, outputTokens: 1, totalTokens: (i % 100) + 1 } },
    inputPreview: `input ${i}`,
    rootRunId: child ? `parent-${i}` : runId,
    forkOf: undefined,
    eventCount: 1,
  };
}

const rows = Array.from({ length: COUNT }, (_, i) => record(i));
const newestFirst = (a: RunRecord, b: RunRecord) => (a.startedAt === b.startedAt ? (a.runId < b.runId ? 1 : -1) : a.startedAt < b.startedAt ? 1 : -1);

function expected(q: RunsQuery): string[] {
  return rows
    .filter((r) => (q.status === undefined || r.status === q.status) && (q.workflow === undefined || r.workflow === q.workflow) && (!q.rootOnly || r.parentRunId === undefined))
    .sort(newestFirst)
    .map((r) => r.runId);
}

async function all(p: ProjectionsHandle, q: RunsQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await p.runs({ ...q, cursor });
    ids.push(...page.rows.map((r) => r.runId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('pj-runs');
});
afterAll(async () => {
  tmp.remove();
  await dropSchemas();
});

/** How each database says "walks this index in order, no sort". */
const PLAN: Record<string, (plan: string, index: string) => void> = {
  memory: (plan, index) => expect(plan).toContain(`walk index ${index}`),
  sqlite: (plan, index) => {
    expect(plan).toMatch(new RegExp(`USING (COVERING )?INDEX projection_runs_${index}\\b`));
    expect(plan).not.toContain('TEMP B-TREE');
  },
  postgres: (plan, index) => {
    expect(plan).toMatch(new RegExp(`Index Scan( Backward)? using projection_runs_${index} `));
    expect(plan).not.toMatch(/\bSort\b/);
  },
};

describe.each([
  ['memory', () => ({ url: 'memory:', store: createMemoryStore() })],
  ['sqlite', () => ({ url: `sqlite:${join(tmp.dir, 'runs.db')}`, store: undefined })],
  ['postgres', () => ({ url: pgUrl('runs').url, store: undefined })],
])('runs list with 100,000 runs (%s)', (name, target) => {
  let store: EventStore;
  let projections: ProjectionsHandle;

  beforeAll(async () => {
    const t = target();
    store = t.store ?? (await openStore(t.url));
    projections = await openProjections(t.url, store);
    await projections.views.bulkInsertRuns(rows);
  }, 120_000);

  afterAll(async () => {
    await projections.close();
    await store.close();
  });

  it('filtered and unfiltered pages walk an index newest first (query plan)', async () => {
    const after = (await projections.runs({ limit: 10 })).nextCursor!;
    const cases: Array<[RunsQuery, string]> = [
      [{}, 'started'],
      [{ cursor: after }, 'started'],
      [{ status: 'failed' }, 'status'],
      [{ status: 'failed', cursor: after }, 'status'],
      [{ workflow: 'rare_flow' }, 'workflow'],
      [{ workflow: 'rare_flow', status: 'completed', cursor: after }, 'workflow_status'],
      [{ status: 'running', rootOnly: true }, 'status'],
    ];
    for (const [q, index] of cases) PLAN[name]!(await projections.explainRuns({ ...q, limit: 50 }), index);
  });

  it('pages through every match of each filter exactly once, newest first', async () => {
    for (const q of [{ status: 'failed' }, { workflow: 'dynamic_content', status: 'partial' }, { workflow: 'rare_flow' }, { rootOnly: true, status: 'cancelled' }] satisfies RunsQuery[]) {
      expect(await all(projections, { ...q, limit: 1000 })).toEqual(expected(q));
    }
    const first = await projections.runs({ limit: 7 });
    expect(first.rows.map((r) => r.runId)).toEqual(expected({}).slice(0, 7));
    expect(first.rows[0]).toMatchObject({ ...rows.find((r) => r.runId === first.rows[0]!.runId) });
  });

  it('stays stable when newer runs arrive between pages', async () => {
    const q: RunsQuery = { status: 'completed', limit: 100 };
    const page1 = await projections.runs(q);
    const later = Array.from({ length: 50 }, (_, i) => record(COUNT + i, Date.parse('2030-01-01T00:00:00.000Z')));
    await projections.views.bulkInsertRuns(later);
    const page2 = await projections.runs({ ...q, cursor: page1.nextCursor });
    const want = expected({ status: 'completed' });
    expect(page1.rows.map((r) => r.runId)).toEqual(want.slice(0, 100));
    expect(page2.rows.map((r) => r.runId)).toEqual(want.slice(100, 200));
    // The new runs head a fresh first page.
    expect((await projections.runs({ limit: 1 })).rows[0]!.startedAt.startsWith('2030')).toBe(true);
  });

  it('prices a page from the rows under its top-level runs: child runs and theirs count, a model without a price makes it null', async () => {
    const at = (n: number) => record(COUNT + 100 + n, Date.parse('2031-01-01T00:00:00.000Z'));
    const tokens = (input: number) => ({ requests: 1, inputTokens: input, outputTokens: 0, totalTokens: input });
    const root = { ...at(0), runId: 'tree-root', rootRunId: 'tree-root', parentRunId: undefined, modelUsage: { 'gpt-4o': tokens(1000), offline: tokens(5) } };
    const child = { ...at(1), runId: 'tree-child', rootRunId: 'tree-root', parentRunId: 'tree-root', modelUsage: { 'gpt-4o': tokens(2000) } };
    const grandchild = { ...at(2), runId: 'tree-grandchild', rootRunId: 'tree-root', parentRunId: 'tree-child', modelUsage: { 'gpt-4o': tokens(4000) } };
    const local = { ...at(3), runId: 'tree-local', rootRunId: 'tree-local', parentRunId: undefined, modelUsage: { 'my-llama': tokens(10) } };
    await projections.views.bulkInsertRuns([root, child, grandchild, local]);
    const prices = { 'gpt-4o': { inputPerMillion: 1000, outputPerMillion: 0 }, offline: { inputPerMillion: 0, outputPerMillion: 0 } };
    const page = (await projections.runs({ limit: 4, rootOnly: true })).rows;
    expect(page.map((r) => r.runId)).toEqual(expect.arrayContaining(['tree-root', 'tree-local']));
    const priced = new Map((await projections.priceRuns(page, prices)).map((r) => [r.runId, r.costUsd]));
    // 7,000 gpt-4o input tokens at $1,000 a million, over three generations.
    expect(priced.get('tree-root')).toBeCloseTo(7, 10);
    expect(priced.get('tree-local')).toBeNull();
    // A child row listed by itself counts itself and what is below it.
    const children = await projections.priceRuns([child, grandchild], prices);
    expect(children.map((r) => r.costUsd)).toEqual([6, 4]);
  });

  it('refuses a bad cursor, limit or status', async () => {
    await expect(projections.runs({ cursor: 'garbage' })).rejects.toThrow(/cursor/);
    await expect(projections.runs({ limit: 0 })).rejects.toThrow(/limit/);
    await expect(projections.runs({ status: 'sleeping' as RunLifecycle })).rejects.toThrow(/status/);
  });
});
