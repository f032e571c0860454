import { tool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApprovalStep, Catalog, createAgent, DeterministicWorkflow, openStore, ParallelWorkflow, refundDesk, Worker, WorkflowEngine, type EventStore } from '../../../src/index.js';
import { dataOf, runEvents, typesOf } from '../../support/runs.js';
import { testStoreUrls } from '../../support/stores.js';

const urls = testStoreUrls('ap');
const stores: Record<string, () => Promise<EventStore>> = {
  sqlite: () => openStore(urls.sqlite()),
  postgres: () => openStore(urls.postgres()),
};

const REQUEST = 'Please refund order #A1001, $40: it arrived broken';

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(Object.keys(stores))('refund_desk on %s', (name) => {
  const open = async () => {
    const store = await stores[name]!();
    return { store, engine: new WorkflowEngine({ store, model: 'offline', maxRetries: 0 }) };
  };

  it('waits for the refund to be approved: status waiting, no lease held, nothing terminal recorded', async () => {
    const { store, engine } = await open();
    const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
    expect(r.status).toBe('waiting');
    expect(r.waitingFor).toEqual([expect.objectContaining({ kind: 'approval', name: 'issue_refund', content: { orderId: 'A1001', amount: 40, reason: REQUEST } })]);
    const status = await engine.getWorkflowStatus(r.runId);
    expect(status.status).toBe('waiting');
    expect(status.waitingFor).toEqual([expect.objectContaining({ kind: 'approval', id: r.waitingFor![0]!.id, prompt: 'Allow support to call issue_refund?' })]);
    expect((await store.leases!.leases([r.runId]))[0]).toMatchObject({ holder: undefined, live: false, parked: true });
    const types = typesOf(await runEvents(store, r.runId));
    expect(types.at(-1)).toBe('ApprovalRequested');
    expect(types).not.toContain('ToolCalled');
    await store.close();
  });

  it('approved: continues here, the tool is called after the decision, the answer says the refund was issued, and replay matches', async () => {
    const { store, engine } = await open();
    const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
    const decided = await engine.approve(r.runId, { by: 'ann', comment: 'ok' });
    expect(decided).toMatchObject({ runId: r.runId, id: r.waitingFor![0]!.id, continued: 'here' });
    const done = await decided.done!;
    expect(done.status).toBe('completed');
    expect(done.result).toMatch(/refund of \$40\.00 for order A1001 has been issued/);
    const events = await runEvents(store, r.runId);
    const types = typesOf(events);
    expect(types.indexOf('ToolCalled')).toBeGreaterThan(types.indexOf('ApprovalDecided'));
    expect(types.indexOf('ToolReturned')).toBeGreaterThan(types.indexOf('ToolCalled'));
    expect(dataOf(events, 'ApprovalDecided')).toEqual([{ approvalId: r.waitingFor![0]!.id, decision: 'approve', by: 'ann', comment: 'ok' }]);
    expect(dataOf(events, 'ToolCalled')).toHaveLength(1);
    expect(await store.leases!.leases([r.runId])).toEqual([]);
    const replay = await engine.replay(r.runId);
    expect(replay.match).toBe(true);
    expect(replay.result?.status).toBe('completed');
    await store.close();
  });

  it('rejected: the model gets the rejection and its reason, answers that the refund was not issued, the tool never runs, and replay matches', async () => {
    const { store, engine } = await open();
    const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
    const decided = await engine.reject(r.runId, { by: 'bob', reason: 'outside the 30-day window' });
    const done = await decided.done!;
    expect(done.status).toBe('completed');
    expect(done.result).toMatch(/not issued.*rejected \(outside the 30-day window\)/);
    const events = await runEvents(store, r.runId);
    expect(typesOf(events)).not.toContain('ToolCalled');
    expect(dataOf(events, 'ApprovalDecided')).toEqual([expect.objectContaining({ decision: 'reject', by: 'bob', comment: 'outside the 30-day window' })]);
    expect((await engine.replay(r.runId)).match).toBe(true);
    await store.close();
  });

  it('with a live worker serving the store, the decision leaves the run to it and the worker completes it', async () => {
    const { store, engine } = await open();
    const worker = new Worker(engine, { id: 'w1', leaseMs: 5000, pollMs: 50 });
    await worker.start();
    try {
      const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
      expect(r.status).toBe('waiting');
      const decided = await engine.approve(r.runId, { by: 'ann' });
      expect(decided.continued).toBe('worker');
      await eventually(async () => typesOf(await runEvents(store, r.runId)).includes('RunCompleted'), 'the worker to complete the run');
      const events = await runEvents(store, r.runId);
      expect(dataOf<{ workerId: string }>(events, 'RunClaimed').map((c) => c.workerId)).toEqual(['w1']);
      expect(typesOf(events).indexOf('ToolCalled')).toBeGreaterThan(typesOf(events).indexOf('RunClaimed'));
      expect((await engine.getWorkflowStatus(r.runId)).status).toBe('completed');
      expect((await engine.replay(r.runId)).match).toBe(true);
    } finally {
      await worker.stop();
      await store.close();
    }
  });
});

describe('tool approvals', () => {
  const store = () => stores.sqlite!();
  /** A refund desk beside a summarizer, in parallel: only the desk's branch waits. */
  const deskAndNotes = () =>
    new ParallelWorkflow({
      name: 'desk_and_notes',
      branches: { desk: refundDesk(), notes: new DeterministicWorkflow({ name: 'notes', agents: [createAgent('summarizer')] }) },
      aggregator: createAgent('editor', { agentId: 'aggregator' }),
    });


  it('a zod tool with needsApproval: true never ends completed with null: the run waits, and approved it runs the tool', async () => {
    const calls: string[] = [];
    const deleteFile = tool({
      name: 'delete_file',
      description: 'Delete a file',
      parameters: z.object({ path: z.string() }),
      needsApproval: true,
      execute: ({ path }) => {
        calls.push(path);
        return `deleted ${path}`;
      },
    });
    const workflow = () => new DeterministicWorkflow({ agents: [createAgent('research', { tools: [deleteFile] })], name: 'cleanup' });
    const s = await store();
    const engine = new WorkflowEngine({ store: s, catalog: new Catalog().registerWorkflow('cleanup', workflow, { description: 'cleanup' }), maxRetries: 0 });
    const r = await engine.execute(workflow(), undefined, 'Clean up the temp files');
    expect(r.status).toBe('waiting');
    expect(r.result).toBeNull();
    expect(calls).toEqual([]);
    const done = await (await engine.approve(r.runId, {})).done!;
    expect(done.status).toBe('completed');
    expect(done.result).not.toBeNull();
    expect(calls).toHaveLength(1);
    await s.close();
  });

  it('a needsApproval function decides per call: a call it lets through runs without asking', async () => {
    const refund = tool({
      name: 'small_refund',
      description: 'Refund',
      parameters: z.object({ amount: z.number() }),
      needsApproval: (_ctx, { amount }) => Promise.resolve(amount > 100),
      execute: ({ amount }) => `refunded ${amount}`,
    });
    const s = await store();
    const engine = new WorkflowEngine({ store: s, maxRetries: 0 });
    const r = await engine.execute(new DeterministicWorkflow({ agents: [createAgent('research', { tools: [refund] })], name: 'small' }), undefined, 'refund');
    expect(r.status).toBe('completed');
    const events = await runEvents(s, r.runId);
    expect(typesOf(events)).not.toContain('ApprovalRequested');
    expect(typesOf(events)).toContain('ToolReturned');
    await s.close();
  });

  it('a decision for something the run does not wait for is NOT_WAITING and says what it waits for', async () => {
    const s = await store();
    const engine = new WorkflowEngine({ store: s, maxRetries: 0 });
    const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
    const id = r.waitingFor![0]!.id;
    await expect(engine.approve(r.runId, { approvalId: 'nope' })).rejects.toMatchObject({ code: 'NOT_WAITING', message: expect.stringContaining(`waits for approval ${id} (issue_refund)`) });
    await expect(engine.signal(r.runId, 'payment', {})).rejects.toMatchObject({ code: 'NOT_WAITING', message: expect.stringContaining("not for signal 'payment'") });
    const done = await (await engine.approve(r.runId, { approvalId: id })).done!;
    expect(done.status).toBe('completed');
    await expect(engine.approve(r.runId)).rejects.toMatchObject({ code: 'NOT_WAITING', message: expect.stringContaining('it ended completed') });
    expect(dataOf(await runEvents(s, r.runId), 'ApprovalDecided')).toHaveLength(1);
    await s.close();
  });

  it('engine.wait after a decision that continued the run here gives the continued outcome, not the parked one', async () => {
    const s = await store();
    const engine = new WorkflowEngine({ store: s, maxRetries: 0 });
    const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
    expect((await engine.wait(r.runId)).status).toBe('waiting');
    const decided = await engine.approve(r.runId, { by: 'ann' });
    expect(decided.continued).toBe('here');
    const waited = await engine.wait(r.runId);
    expect(waited).toMatchObject({ runId: r.runId, status: 'completed', result: expect.stringMatching(/refund of \$40\.00 for order A1001 has been issued/) });
    expect(waited).toEqual(await decided.done);
    // Also once it has ended.
    expect((await engine.wait(r.runId)).status).toBe('completed');
    await s.close();
  });

  it('engine.wait on the top-level run after its branch\'s approval continued it here gives the completed run', async () => {
    const s = await store();
    const engine = new WorkflowEngine({ store: s, catalog: new Catalog().registerWorkflow('desk_and_notes', deskAndNotes, { description: 'parallel' }), maxRetries: 0 });
    const r = await engine.execute(deskAndNotes(), undefined, REQUEST);
    expect((await engine.wait(r.runId)).status).toBe('waiting');
    const decided = await engine.approve(`${r.runId}.desk`, { by: 'ann' });
    expect(decided.continued).toBe('here');
    expect(await engine.wait(r.runId)).toMatchObject({ runId: r.runId, status: 'completed' });
    await s.close();
  });

  it('a branch that asks twice parks the top-level run twice: after the first decision it waits for the second, and replay matches at the end', async () => {
    const workflow = () =>
      new ParallelWorkflow({
        name: 'two_reviews',
        branches: {
          review: new DeterministicWorkflow({ name: 'review', agents: [createAgent('writer'), new ApprovalStep({ name: 'legal' }), new ApprovalStep({ name: 'brand' })] }),
          notes: new DeterministicWorkflow({ name: 'notes', agents: [createAgent('summarizer')] }),
        },
        aggregator: createAgent('editor', { agentId: 'aggregator' }),
      });
    const s = await store();
    const engine = new WorkflowEngine({ store: s, catalog: new Catalog().registerWorkflow('two_reviews', workflow, { description: 'parallel' }), maxRetries: 0 });
    const r = await engine.execute(workflow(), undefined, REQUEST);
    const branch = `${r.runId}.review`;
    expect(await engine.getWorkflowStatus(r.runId)).toMatchObject({ status: 'waiting', waitingFor: [expect.objectContaining({ name: 'legal', runId: branch })] });

    const first = await (await engine.approve(r.runId, { by: 'ann' })).done!;
    expect(first).toMatchObject({ status: 'waiting', waitingFor: [expect.objectContaining({ name: 'brand', runId: branch })] });
    expect(await engine.getWorkflowStatus(r.runId)).toMatchObject({ status: 'waiting', waitingFor: [expect.objectContaining({ name: 'brand', runId: branch })] });

    const second = await (await engine.approve(r.runId, { by: 'bob' })).done!;
    expect(second).toMatchObject({ runId: r.runId, status: 'completed' });
    expect(await engine.getWorkflowStatus(r.runId)).toMatchObject({ status: 'completed', waitingFor: [] });
    expect(dataOf(await runEvents(s, r.runId), 'BranchParked').map((d) => (d as { waitingFor: Array<{ name: string }> }).waitingFor[0]!.name)).toEqual(['legal', 'brand']);
    expect((await engine.replay(r.runId)).match).toBe(true);
    await s.close();
  });

  it('approve with continue: false only records the decision: the run is queued, and a resume later completes it', async () => {
    const s = await store();
    const engine = new WorkflowEngine({ store: s, maxRetries: 0 });
    const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
    expect(await engine.approve(r.runId, { continue: false })).toMatchObject({ continued: 'no' });
    expect((await engine.getWorkflowStatus(r.runId)).status).toBe('queued');
    expect((await s.leases!.leases([r.runId]))[0]).toMatchObject({ parked: false, live: false });
    expect((await engine.resume(r.runId)).status).toBe('completed');
    await s.close();
  });

  it('forking before the decision asks again; forking after it goes on with the recorded decision', async () => {
    const s = await store();
    const engine = new WorkflowEngine({ store: s, maxRetries: 0 });
    const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, REQUEST);
    await (await engine.approve(r.runId, { by: 'ann' })).done;
    const events = await runEvents(s, r.runId);
    const asked = events.find((e) => e.type === 'ApprovalRequested')!.streamPosition;
    const decidedAt = events.find((e) => e.type === 'ApprovalDecided')!.streamPosition;

    const before = await engine.fork(r.runId, { at: asked });
    expect(before.status).toBe('waiting');
    expect(before.waitingFor).toEqual([expect.objectContaining({ id: r.waitingFor![0]!.id })]);
    expect(typesOf(await runEvents(s, before.runId))).not.toContain('ApprovalDecided');

    const after = await engine.fork(r.runId, { at: decidedAt });
    expect(after.status).toBe('completed');
    expect(dataOf(await runEvents(s, after.runId), 'ApprovalDecided')).toEqual([expect.objectContaining({ by: 'ann' })]);
    await s.close();
  });

  it('a parallel branch that waits parks its whole run; approving the branch continues the run from its root, and replay matches', async () => {
    const workflow = deskAndNotes;
    const s = await store();
    const engine = new WorkflowEngine({ store: s, catalog: new Catalog().registerWorkflow('desk_and_notes', workflow, { description: 'parallel' }), maxRetries: 0 });
    const r = await engine.execute(workflow(), undefined, REQUEST);
    expect(r.status).toBe('waiting');
    const branch = `${r.runId}.desk`;
    expect(r.waitingFor).toEqual([expect.objectContaining({ kind: 'approval', name: 'issue_refund', runId: branch })]);
    // Nothing wakes the run while its branch waits.
    expect((await s.leases!.leases([r.runId]))[0]).toMatchObject({ parked: true, live: false });
    expect((await engine.getWorkflowStatus(branch)).status).toBe('waiting');
    // The top-level run waits for what its branch waits for.
    expect(await engine.getWorkflowStatus(r.runId)).toMatchObject({ status: 'waiting', waitingFor: [expect.objectContaining({ kind: 'approval', name: 'issue_refund', runId: branch })] });

    const decided = await engine.approve(branch, { by: 'ann' });
    expect(decided.continued).toBe('here');
    const done = await decided.done!;
    expect(done).toMatchObject({ runId: r.runId, status: 'completed' });
    expect(typesOf(await runEvents(s, branch))).toContain('ToolReturned');
    expect((await engine.getWorkflowStatus(branch)).status).toBe('completed');
    expect(await engine.getWorkflowStatus(r.runId)).toMatchObject({ status: 'completed', waitingFor: [] });
    expect(await s.leases!.leases([r.runId])).toEqual([]);
    expect((await engine.replay(r.runId)).match).toBe(true);
    await s.close();
  });

  it('a branch\'s approval is decided under the top-level run: recorded in the branch, the top-level run goes queued, then completes; replay and a fork before the decision match', async () => {
    const s = await store();
    const engine = new WorkflowEngine({ store: s, catalog: new Catalog().registerWorkflow('desk_and_notes', deskAndNotes, { description: 'parallel' }), maxRetries: 0 });
    const r = await engine.execute(deskAndNotes(), undefined, REQUEST);
    const branch = `${r.runId}.desk`;
    const [wait] = r.waitingFor!;

    const recorded = await engine.approve(r.runId, { by: 'ann', continue: false });
    expect(recorded).toMatchObject({ runId: r.runId, id: wait!.id, continued: 'no' });
    expect(dataOf(await runEvents(s, branch), 'ApprovalDecided')).toEqual([expect.objectContaining({ approvalId: wait!.id, by: 'ann' })]);
    expect(await engine.getWorkflowStatus(r.runId)).toMatchObject({ status: 'queued', waitingFor: [] });
    await expect(engine.approve(r.runId, { by: 'ann' })).rejects.toMatchObject({ code: 'NOT_WAITING' });

    const done = await engine.resume(r.runId);
    expect(done).toMatchObject({ runId: r.runId, status: 'completed' });
    expect(await engine.getWorkflowStatus(r.runId)).toMatchObject({ status: 'completed', waitingFor: [] });
    const types = typesOf(await runEvents(s, r.runId));
    expect(types.indexOf('BranchAnswered')).toBeGreaterThan(types.indexOf('BranchParked'));
    expect((await engine.replay(r.runId)).match).toBe(true);

    const parkedAt = (await runEvents(s, r.runId)).find((e) => e.type === 'BranchParked')!.streamPosition;
    const fork = await engine.fork(r.runId, { at: parkedAt });
    expect(fork.status).toBe('waiting');
    expect(await engine.getWorkflowStatus(fork.runId)).toMatchObject({ status: 'waiting', waitingFor: [expect.objectContaining({ runId: `${fork.runId}.desk` })] });
    await s.close();
  });
});
