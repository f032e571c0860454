import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow } from '../../../src/index.js';
import { json, startTestServer, type TestServer } from './helpers.js';

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
