import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow } from '../../../src/index.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { eventually, json, post, runEvents, startRun, startTestServer, type TestServer } from './helpers.js';

type ErrorJson = { error: { code: string; message: string; path?: string } };
interface ApprovalJson {
  runId: string;
  workflow: string;
  approvalId: string;
  kind: string;
  name: string;
  stepId: string;
  prompt: string;
  content: unknown;
  since: string;
  dueAt?: string;
  onTimeout?: string;
}

const REFUND = 'Please refund order #A1042, $40: it arrived broken';
const ALICE = { name: 'alice', token: 'alice-token-0123456789abcdef' };
const auth = { Authorization: `Bearer ${ALICE.token}` };

/** The status of a run once its log ends (it continued after a decision, in the server or elsewhere). */
async function endStatus(t: TestServer, runId: string): Promise<{ status: string; output: unknown }> {
  await eventually(async () => (await runEvents(t.store, runId)).some((e) => ['RunCompleted', 'RunFailed', 'RunCancelled'].includes(e.type)), 20_000);
  return json(await t.app.request(`/api/runs/${runId}`, { headers: auth }));
}

const decidedOf = (events: readonly RecordedEvent[]) => events.find((e) => e.type === 'ApprovalDecided')?.data as Record<string, unknown> | undefined;

describe('HTTP approvals', () => {
  let t: TestServer;
  afterEach(() => t?.close());

  /** A refund_desk run started over HTTP, parked at its issue_refund approval. */
  const parkedRun = async (): Promise<{ runId: string; approval: ApprovalJson }> => {
    const runId = await startRun(t.app, 'refund_desk', REFUND, auth);
    expect((await t.engine.wait(runId)).status).toBe('waiting');
    const res = await t.app.request('/api/approvals', { headers: auth });
    expect(res.status).toBe(200);
    const approval = (await json<ApprovalJson[]>(res)).find((a) => a.runId === runId);
    expect(approval).toBeDefined();
    return { runId, approval: approval! };
  };

  it('GET /api/approvals lists the pending tool call with its arguments; the run status says what it waits for', async () => {
    t = await startTestServer({ tokens: [ALICE] });
    expect(await json(await t.app.request('/api/approvals', { headers: auth }))).toEqual([]);
    const { runId, approval } = await parkedRun();
    expect(approval).toMatchObject({ runId, kind: 'tool', name: 'issue_refund' });
    expect(typeof approval.prompt).toBe('string');
    expect(JSON.stringify(approval.content)).toContain('1042');
    expect(Date.parse(approval.since)).not.toBeNaN();
    const status = await json<{ status: string; waitingFor: Array<{ kind: string; id: string }> }>(await t.app.request(`/api/runs/${runId}`, { headers: auth }));
    expect(status).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'approval', id: approval.approvalId }] });
    const waiting = await json<{ runs: Array<{ runId: string }> }>(await t.app.request('/api/runs?status=waiting', { headers: auth }));
    expect(waiting.runs.map((r) => r.runId)).toEqual([runId]);
  });

  it('POST …/approvals/:approvalId approves as the API token’s name; the tool runs after the decision and the run completes', async () => {
    t = await startTestServer({ tokens: [ALICE] });
    const { runId, approval } = await parkedRun();
    const res = await post(t.app, `/api/runs/${runId.slice(0, 8)}/approvals/${approval.approvalId}`, { decision: 'approve', comment: 'ok' }, auth);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await json(res)).toMatchObject({ runId, approvalId: approval.approvalId, decision: 'approve', by: 'alice', continued: 'here' });
    expect((await endStatus(t, runId)).status).toBe('completed');
    const events = await runEvents(t.store, runId);
    expect(decidedOf(events)).toMatchObject({ decision: 'approve', by: 'alice', comment: 'ok' });
    const at = (type: string) => events.findIndex((e) => e.type === type);
    expect(at('ToolReturned')).toBeGreaterThan(at('ApprovalDecided'));
    expect(await json(await t.app.request('/api/approvals', { headers: auth }))).toEqual([]);
  });

  it('a rejection with a comment reaches the model, which answers with the reason', async () => {
    t = await startTestServer({ tokens: [ALICE] });
    const { runId, approval } = await parkedRun();
    const res = await post(t.app, `/api/runs/${runId}/approvals/${approval.approvalId}`, { decision: 'reject', comment: 'no receipt on file' }, auth);
    expect(res.status).toBe(200);
    const result = await endStatus(t, runId);
    expect(result.status).toBe('completed');
    expect(String(result.output)).toMatch(/no receipt on file/);
    const events = await runEvents(t.store, runId);
    expect(decidedOf(events)).toMatchObject({ decision: 'reject', by: 'alice', comment: 'no receipt on file' });
    expect(events.map((e) => e.type)).not.toContain('ToolCalled');
  });

  it('errors: 400 naming the field, 404 for an unknown run, 409 NOT_WAITING saying what the run waits for; nothing is recorded', async () => {
    t = await startTestServer({ tokens: [ALICE] });
    const { runId, approval } = await parkedRun();
    const before = (await runEvents(t.store, runId)).length;
    const path = `/api/runs/${runId}/approvals/${approval.approvalId}`;

    const bad = await post(t.app, path, { decision: 'maybe' }, auth);
    expect(bad.status).toBe(400);
    expect((await json<ErrorJson>(bad)).error).toMatchObject({ code: 'VALIDATION_FAILED', path: 'body.decision' });
    const notJson = await t.app.request(path, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{decision' });
    expect(notJson.status).toBe(400);
    expect((await json<ErrorJson>(notJson)).error.path).toBe('body');
    const edited = await post(t.app, path, { decision: 'approve', output: { amount: 1 } }, auth);
    expect(edited.status).toBe(400);
    expect((await json<ErrorJson>(edited)).error.path).toBe('body.output');

    const unknown = await post(t.app, `/api/runs/ffffffff-0000-0000-0000-000000000000/approvals/${approval.approvalId}`, { decision: 'approve' }, auth);
    expect(unknown.status).toBe(404);

    const otherApproval = await post(t.app, `/api/runs/${runId}/approvals/no-such-approval`, { decision: 'approve' }, auth);
    expect(otherApproval.status).toBe(409);
    const conflict = (await json<ErrorJson>(otherApproval)).error;
    expect(conflict.code).toBe('NOT_WAITING');
    expect(conflict.message).toMatch(/issue_refund/);
    const signal = await post(t.app, `/api/runs/${runId}/signals/payment`, { amount: 3 }, auth);
    expect(signal.status).toBe(409);
    expect((await json<ErrorJson>(signal)).error).toMatchObject({ code: 'NOT_WAITING' });
    const signalNotJson = await t.app.request(`/api/runs/${runId}/signals/payment`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: '{' });
    expect(signalNotJson.status).toBe(400);
    const badName = await post(t.app, `/api/runs/${runId}/signals/${encodeURIComponent('a b')}`, {}, auth);
    expect(badName.status).toBe(400);
    expect((await json<ErrorJson>(badName)).error.path).toBe('params.name');
    const noToken = await post(t.app, path, { decision: 'approve' });
    expect(noToken.status).toBe(401);
    expect((await runEvents(t.store, runId)).length).toBe(before);

    const done = await startRun(t.app, 'writer', 'Tides', auth);
    await t.engine.wait(done);
    const ended = await post(t.app, `/api/runs/${done}/approvals/x`, { decision: 'approve' }, auth);
    expect(ended.status).toBe(409);
    expect((await json<ErrorJson>(ended)).error.code).toBe('NOT_WAITING');
  });
});

describe('GET /api/approvals', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists the approval a waiting run waits for, with the content to approve; runs?status=waiting and the status show it', async () => {
    expect(await json(await t.app.request('/api/approvals'))).toEqual([]);
    const runId = await t.engine.start(createWorkflow(resolve(import.meta.dirname, '../../fixtures/workflows/publish.yaml')), 'Announce offline mode');
    expect((await t.engine.wait(runId)).status).toBe('waiting');
    const approvals = await json<ApprovalJson[]>(await t.app.request('/api/approvals'));
    expect(approvals).toEqual([
      {
        runId,
        workflow: 'publish',
        approvalId: '2-publish_draft.approval',
        kind: 'step',
        name: 'publish_draft',
        stepId: '2-publish_draft',
        prompt: 'Publish this draft? Edit it if needed.',
        content: expect.stringMatching(/offline mode/i) as unknown,
        since: expect.any(String) as unknown,
        dueAt: expect.any(String) as unknown,
        onTimeout: 'reject',
      },
    ]);
    const waiting = await json<{ runs: Array<{ runId: string; status: string }> }>(await t.app.request('/api/runs?status=waiting'));
    expect(waiting.runs).toEqual([expect.objectContaining({ runId, status: 'waiting' })]);
    const status = await json<{ status: string; waitingFor: Array<{ kind: string; id: string }> }>(await t.app.request(`/api/runs/${runId}`));
    expect(status).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'approval', id: '2-publish_draft.approval' }] });
  });
});

describe('HTTP decisions on workflow steps', () => {
  let t: TestServer;
  afterEach(() => t?.close());
  const fixture = (name: string) => createWorkflow(resolve(import.meta.dirname, `../../fixtures/workflows/${name}.yaml`));

  it('approving a step with an edited output gives the next step the edit', async () => {
    t = await startTestServer();
    const runId = await t.engine.start(fixture('publish'), 'Announce offline mode');
    expect((await t.engine.wait(runId)).status).toBe('waiting');
    const res = await post(t.app, `/api/runs/${runId}/approvals/2-publish_draft.approval`, { decision: 'approve', output: 'EDITED DRAFT about lighthouses' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await endStatus(t, runId)).status).toBe('completed');
    const events = await runEvents(t.store, runId);
    const task = events.find((e) => e.type === 'TaskSent' && (e.data as { stepId: string }).stepId.endsWith('editor'))!;
    expect(JSON.stringify(task.data)).toContain('EDITED DRAFT about lighthouses');
    expect(decidedOf(events)).toMatchObject({ decision: 'approve', output: 'EDITED DRAFT about lighthouses' });
  });

  it('rejecting a step ends the run partial with the reason recorded', async () => {
    t = await startTestServer();
    const runId = await t.engine.start(fixture('publish'), 'Announce offline mode');
    await t.engine.wait(runId);
    const res = await post(t.app, `/api/runs/${runId}/approvals/2-publish_draft.approval`, { decision: 'reject', comment: 'off brand' });
    expect(res.status).toBe(200);
    expect((await endStatus(t, runId)).status).toBe('partial');
    expect(decidedOf(await runEvents(t.store, runId))).toMatchObject({ decision: 'reject', comment: 'off brand' });
  });

  it('POST …/signals/:name: a payload the schema refuses is a 400 naming the body field and records nothing; a valid one continues the run', async () => {
    t = await startTestServer();
    const runId = await t.engine.start(fixture('payment'), 'Twelve notebooks');
    expect((await t.engine.wait(runId)).status).toBe('waiting');
    const before = (await runEvents(t.store, runId)).length;
    const bad = await post(t.app, `/api/runs/${runId}/signals/payment`, { amount: 12.5, currency: 'GBP' });
    expect(bad.status).toBe(400);
    expect((await json<ErrorJson>(bad)).error).toMatchObject({ code: 'VALIDATION_FAILED', path: 'body.currency' });
    const missing = await post(t.app, `/api/runs/${runId}/signals/payment`, 'twelve');
    expect(missing.status).toBe(400);
    expect((await json<ErrorJson>(missing)).error.path).toBe('body');
    const other = await post(t.app, `/api/runs/${runId}/signals/refund`, { amount: 1 });
    expect(other.status).toBe(409);
    expect((await json<ErrorJson>(other)).error.message).toMatch(/payment/);
    const approval = await post(t.app, `/api/runs/${runId}/approvals/x`, { decision: 'approve' });
    expect(approval.status).toBe(409);
    expect((await runEvents(t.store, runId)).length).toBe(before);

    const ok = await post(t.app, `/api/runs/${runId}/signals/payment`, { amount: 12.5, currency: 'EUR' });
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await json(ok)).toMatchObject({ runId, signal: 'payment', continued: 'here' });
    expect((await endStatus(t, runId)).status).toBe('completed');
    const received = (await runEvents(t.store, runId)).find((e) => e.type === 'SignalReceived')!;
    expect(received.data).toMatchObject({ name: 'payment', payload: { amount: 12.5, currency: 'EUR' } });
  });
});
