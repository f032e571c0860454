import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, post, runEvents, startTestServer, type TestServer } from './helpers.js';

type ErrorJson = { error: { code: string; message: string; path?: string } };

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

const runContextOf = async (runId: string) => (await runEvents(t.store, runId))[0]!.data as { runContext?: unknown };

describe('runContext over HTTP', () => {
  it('POST /api/runs records the run context in RunStarted with its secret fields scrubbed; a fork may replace it', async () => {
    const res = await post(t.app, '/api/runs', { workflow: 'research', input: 'Tides', model: 'offline', runContext: { user: 'ann', password: 'hunter2hunter2' } });
    expect(res.status).toBe(202);
    const { runId } = await json<{ runId: string }>(res);
    await expect(t.engine.wait(runId)).resolves.toMatchObject({ status: 'completed' });
    expect((await runContextOf(runId)).runContext).toEqual({ user: 'ann', password: '[redacted]' });

    const kept = await json<{ runId: string }>(await post(t.app, `/api/runs/${runId}/fork`, { at: 0 }));
    await t.engine.wait(kept.runId);
    expect((await runContextOf(kept.runId)).runContext).toEqual({ user: 'ann', password: '[redacted]' });
    const changed = await json<{ runId: string }>(await post(t.app, `/api/runs/${runId}/fork`, { at: 0, runContext: { user: 'cy' } }));
    await t.engine.wait(changed.runId);
    expect((await runContextOf(changed.runId)).runContext).toEqual({ user: 'cy' });
  });

  it('400 naming body.runContext when it is not a JSON object', async () => {
    for (const runContext of ['ann', [1, 2], 42, null]) {
      const res = await post(t.app, '/api/runs', { workflow: 'research', input: 'Tides', runContext });
      expect(res.status).toBe(400);
      const body = await json<ErrorJson>(res);
      expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', path: 'body.runContext' });
      expect(body.error.message).toContain('runContext is a JSON object');
    }
  });
});
