import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Model, ModelRequest } from '@openai/agents';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkflow, openStore, WorkflowEngine, type EventStore } from '../../../src/index.js';
import { OfflineModel } from '../../../src/models/offline/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

// Parallel runs (child runs per branch) re-executed on every store: replay --verify, fork at
// every position, resume after a crash.
const PG_URL = process.env.AIGEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'aigen-parallel-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Pool({ connectionString: PG_URL, max: 1 });
  try {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  } finally {
    await admin.end();
  }
});

const stores: Array<[string, () => Promise<EventStore>]> = [
  ['sqlite', () => openStore(`sqlite:${join(dir, `${randomBytes(4).toString('hex')}.db`)}`)],
  [
    'postgres',
    () => {
      const schema = `aigen_t_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return openStore(`${PG_URL}?schema=${schema}`);
    },
  ],
];

/** A model that never answers (until aborted): the process "dies" while waiting on it. */
const hang = (req: ModelRequest) => new Promise<never>((_, reject) => req.signal?.addEventListener('abort', () => reject(new Error('aborted'))));
const hanging: Model = {
  getResponse: hang,
  getStreamedResponse: (req) => ({ [Symbol.asyncIterator]: () => ({ next: () => hang(req) }) }),
};

describe.each(stores)('parallel runs on %s', (_name, open) => {
  it('replay --verify reproduces a multi_perspective run', async () => {
    const store = await open();
    try {
      const engine = new WorkflowEngine({ store });
      const run = await engine.execute(createWorkflow('multi_perspective'), undefined, 'Par test');
      expect(run.status).toBe('completed');
      const replayed = await engine.replay(run.runId);
      expect(replayed.divergence).toBeUndefined();
      expect(replayed.match).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a fork at every position of a multi_perspective run completes with the same result', async () => {
    const store = await open();
    try {
      const engine = new WorkflowEngine({ store });
      const run = await engine.execute(createWorkflow('multi_perspective'), undefined, 'Par test');
      const events = await runEvents(store, run.runId);
      for (const e of events) {
        const fork = await engine.fork(run.runId, { at: e.streamPosition });
        expect(fork.status, `fork at ${e.streamPosition} (${e.type})`).toBe('completed');
        expect(fork.result, `fork at ${e.streamPosition}`).toBe(run.result);
        expect(dataOf(await runEvents(store, fork.runId), 'ChildRunFinished'), `fork at ${e.streamPosition}`).toHaveLength(3);
      }
    } finally {
      await store.close();
    }
  }, 120_000);

  /** A multi_perspective run whose process "dies" waiting on the aggregator's model call. */
  async function crashedRun(store: EventStore) {
    const doomed = new WorkflowEngine({
      store,
      modelResolver: (_n, a) => (a.agentId === 'aggregator' ? hanging : new OfflineModel({ role: a.type })),
    });
    const runId = await doomed.start(createWorkflow('multi_perspective'), 'Par test');
    while (!(await runEvents(store, runId)).some((e) => e.type === 'ModelCalled' && (e.data as { stepId: string }).stepId.endsWith('aggregator'))) {
      await new Promise((r) => setTimeout(r, 10));
    }
    return { doomed, runId, before: await runEvents(store, runId) };
  }

  it('resumes a crashed multi_perspective run: each recorded step once, the same result as an uninterrupted run', async () => {
    const store = await open();
    try {
      const { doomed, runId, before } = await crashedRun(store);
      const engine = new WorkflowEngine({ store });
      // The stuck run still lives in this process, hence `force`.
      const resumed = await engine.resume(runId, { force: true });
      expect(resumed.status).toBe('completed');
      const fresh = await new WorkflowEngine({ store: createMemoryStore() }).execute(createWorkflow('multi_perspective'), undefined, 'Par test');
      expect(resumed.result).toBe(fresh.result);
      const after = await runEvents(store, runId);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(dataOf(after, 'RunResumed')).toHaveLength(1);
      expect(dataOf<{ agentId: string }>(after, 'StepCompleted').map((s) => s.agentId)).toEqual(['aggregator']);
      expect((await engine.replay(runId)).match).toBe(true);
      await doomed.cancel(runId).catch(() => undefined);
    } finally {
      await store.close();
    }
  }, 60_000);

  it('a resume on code that diverges from the log ends the run failed with REPLAY_DIVERGED, the position and both sides, and keeps the log before it', async () => {
    const store = await open();
    try {
      const { doomed, runId, before } = await crashedRun(store);
      const engine = new WorkflowEngine({ store });
      const changed = createWorkflow('multi_perspective');
      changed.agents()[0]!.instructions = 'Answer in one word.';
      const wrong = await engine.resume(runId, { force: true, workflow: changed });
      expect(wrong.status).toBe('failed');
      expect(wrong.error?.code).toBe('REPLAY_DIVERGED');
      const after = await runEvents(store, runId);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.at(-1)?.type).toBe('RunFailed');
      const failed = dataOf<{ error: { code: string }; divergence: { position: number; recorded: { type: string }; produced: { type: string }; diff: string[] } }>(after, 'RunFailed')[0]!;
      expect(failed.error.code).toBe('REPLAY_DIVERGED');
      expect(failed.divergence.position).toBeLessThan(before.length);
      expect(failed.divergence.recorded.type).toBe(before[failed.divergence.position]!.type);
      expect(failed.divergence.produced).toBeDefined();
      expect(failed.divergence.diff.join(' ')).toMatch(/instructions|requestDigest|output|differs/);
      expect((await engine.getWorkflowStatus(runId)).status).toBe('failed');
      await expect(engine.resume(runId, { force: true })).rejects.toMatchObject({ code: 'RUN_FINISHED' });
      await doomed.cancel(runId).catch(() => undefined);
    } finally {
      await store.close();
    }
  }, 60_000);
});
