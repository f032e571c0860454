import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, DeterministicWorkflow } from '../../../src/index.js';
import { eventually, json, post, runEvents, startRun, startTestServer, type TestServer } from './helpers.js';

type ErrorJson = { error: { code: string; message: string; path?: string } };

let t: TestServer;
let runId: string;

beforeAll(async () => {
  t = await startTestServer();
  runId = await startRun(t.app);
  await t.engine.wait(runId);
});
afterAll(() => t.close());

describe('reading runs', () => {
  it('GET /api/workflows lists the registered workflows and agent types', async () => {
    const res = await t.app.request('/api/workflows');
    expect(res.status).toBe(200);
    const body = await json<{ workflows: Array<{ name: string; kind: string }>; agentTypes: Array<{ type: string }> }>(res);
    expect(body.workflows.map((w) => w.name)).toEqual(expect.arrayContaining(['content_generation', 'multi_perspective']));
    expect(body.agentTypes.map((a) => a.type)).toContain('research');
  });

  it('GET /api/runs/:id gives the status, and ?at=P the status as of stream position P', async () => {
    const now = await json<{ status: string; steps: unknown[]; lastPosition: number }>(await t.app.request(`/api/runs/${runId}`));
    expect(now).toMatchObject({ status: 'completed' });
    expect(now.steps).toHaveLength(3);
    const start = await json<{ status: string; steps: unknown[]; lastPosition: number }>(await t.app.request(`/api/runs/${runId}?at=0`));
    expect(start).toMatchObject({ status: 'running', lastPosition: 0, steps: [] });
    const prefix = await json<{ runId: string }>(await t.app.request(`/api/runs/${runId.slice(0, 8)}`));
    expect(prefix.runId).toBe(runId);
  });

  it('GET /api/runs/:id/trace gives the span tree, also as of a position', async () => {
    const trace = await json<{ root: { kind: string; children: Array<{ kind: string; name: string }> } }>(await t.app.request(`/api/runs/${runId}/trace`));
    expect(trace.root.kind).toBe('run');
    expect(trace.root.children.filter((c) => c.kind === 'step').map((c) => c.name)).toEqual(['research', 'writer', 'editor']);
    const early = await json<{ root: { children: Array<{ kind: string }> } }>(await t.app.request(`/api/runs/${runId}/trace?at=3`));
    expect(early.root.children.filter((c) => c.kind === 'step')).toHaveLength(1);
  });

  it('GET /api/runs/:id/definition gives the recorded statechart', async () => {
    const def = await json<{ name: string; definition: { root: string; machines: Record<string, { root: { states: Record<string, unknown> } }> } }>(
      await t.app.request(`/api/runs/${runId}/definition`),
    );
    expect(def.name).toBe('content_generation');
    expect(def.definition.root).toBe('content_generation');
    expect(Object.keys(def.definition.machines.content_generation!.root.states)).toEqual(expect.arrayContaining(['research', 'writer', 'editor', 'completed']));
    expect(def.definition.machines.agent).toBeDefined();
  });

  it('GET /api/runs/:id/events pages through the run as JSON', async () => {
    const all = await runEvents(t.store, runId);
    const first = await json<{ events: Array<{ streamPosition: number }>; next: number | null }>(await t.app.request(`/api/runs/${runId}/events?limit=10`));
    expect(first.events.map((e) => e.streamPosition)).toEqual([...Array(10).keys()]);
    expect(first.next).toBe(10);
    const rest = await json<{ events: Array<{ streamPosition: number; type: string }>; next: number | null }>(
      await t.app.request(`/api/runs/${runId}/events?from=10&limit=10000`),
    );
    expect(rest.next).toBeNull();
    expect(rest.events.map((e) => e.type)).toEqual(all.slice(10).map((e) => e.type));
  });

  it('GET /api/runs filters by status and workflow and pages with a cursor', async () => {
    const second = await startRun(t.app, 'research,writer', 'Write about rivers');
    await t.engine.wait(second);
    await eventually(async () => (await json<{ runs: unknown[] }>(await t.app.request('/api/runs?status=completed'))).runs.length >= 2);
    const byWorkflow = await json<{ runs: Array<{ runId: string; workflow: string }> }>(await t.app.request('/api/runs?workflow=content_generation'));
    expect(byWorkflow.runs.map((r) => r.runId)).toEqual([runId]);
    const page1 = await json<{ runs: Array<{ runId: string }>; nextCursor: string | null }>(await t.app.request('/api/runs?limit=1&root=true'));
    expect(page1.runs).toHaveLength(1);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await json<{ runs: Array<{ runId: string }> }>(await t.app.request(`/api/runs?limit=1&root=true&cursor=${page1.nextCursor}`));
    expect(page2.runs).toHaveLength(1);
    expect(new Set([page1.runs[0]!.runId, page2.runs[0]!.runId])).toEqual(new Set([runId, second]));
  });

  it('GET /api/events pages through every run as JSON', async () => {
    const page = await json<{ events: Array<{ streamId: string }>; next: string | null }>(await t.app.request('/api/events?limit=5'));
    expect(page.events).toHaveLength(5);
    expect(page.next).toEqual(expect.any(String));
    const types = await json<{ events: Array<{ type: string }> }>(await t.app.request('/api/events?types=RunStarted'));
    expect(new Set(types.events.map((e) => e.type))).toEqual(new Set(['RunStarted']));
  });
});

describe('commands', () => {
  it('POST /api/runs starts a run: 202 with its id and Location', async () => {
    const res = await post(t.app, '/api/runs', { workflow: 'content_generation', input: 'Write about <b>bold</b> tides', model: 'offline' });
    expect(res.status).toBe(202);
    const { runId: id } = await json<{ runId: string }>(res);
    expect(res.headers.get('location')).toBe(`/api/runs/${id}`);
    await expect(t.engine.wait(id)).resolves.toMatchObject({ status: 'completed' });
  });

  it('POST /api/runs/:id/cancel cancels a run in progress; a finished run is a 409', async () => {
    const slow = await startTestServer({ latencyMs: 400 });
    try {
      const id = await startRun(slow.app);
      const res = await post(slow.app, `/api/runs/${id}/cancel`, { reason: 'test stop' });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ runId: id, status: 'cancelled' });
      const status = await json<{ status: string }>(await slow.app.request(`/api/runs/${id}`));
      expect(status.status).toBe('cancelled');
      const again = await slow.app.request(`/api/runs/${id}/cancel`, { method: 'POST', headers: { 'Content-Type': 'application/json' } });
      expect(again.status).toBe(409);
      expect((await json<ErrorJson>(again)).error.code).toBe('RUN_FINISHED');
    } finally {
      await slow.close();
    }
  });

  it('POST /api/runs/:id/fork starts a fork at a position: 202 with the new run id', async () => {
    const res = await post(t.app, `/api/runs/${runId}/fork`, { at: 12 });
    expect(res.status).toBe(202);
    const fork = await json<{ runId: string; forkOf: { runId: string; position: number } }>(res);
    expect(fork.runId).not.toBe(runId);
    expect(fork.forkOf).toEqual({ runId, position: 12 });
    const status = await eventually(async () => {
      const s = await json<{ status: string; forkOf: unknown }>(await t.app.request(`/api/runs/${fork.runId}`));
      return s.status === 'completed' ? s : undefined;
    });
    expect(status.forkOf).toEqual({ runId, position: 12 });
    const source = await json<{ forks: Array<{ runId: string }> }>(await t.app.request(`/api/runs/${runId}`));
    expect(source.forks.map((f) => f.runId)).toContain(fork.runId);
  });
});

describe('errors', () => {
  const expectError = async (res: Response | Promise<Response>, status: number, code: string, path?: string) => {
    const r = await res;
    expect(r.status).toBe(status);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    const body = await json<ErrorJson>(r);
    expect(body.error).toMatchObject({ code, message: expect.any(String) });
    if (path) expect(body.error.path).toBe(path);
  };

  it('400: bad input names the field', async () => {
    await expectError(post(t.app, '/api/runs', { input: 'x' }), 400, 'VALIDATION_FAILED', 'body.workflow');
    await expectError(post(t.app, '/api/runs', { workflow: 'content_generation', input: 42 }), 400, 'VALIDATION_FAILED', 'body.input');
    await expectError(post(t.app, '/api/runs', { workflow: 'nope', input: 'x' }), 400, 'UNKNOWN_WORKFLOW', 'body.workflow');
    await expectError(post(t.app, '/api/runs', { workflow: 'examples/workflows/sequential.yaml', input: 'x' }), 400, 'UNKNOWN_WORKFLOW');
    await expectError(post(t.app, '/api/runs', { workflow: 'content_generation', input: 'x', model: 'gpt-4.1-mini' }), 400, 'MISSING_API_KEY', 'body.model');
    await expectError(post(t.app, '/api/runs', { workflow: 'content_generation', input: '' }), 400, 'VALIDATION_FAILED', 'body.input');
    await expectError(post(t.app, '/api/runs', { workflow: 'content_generation', input: ' \n\t' }), 400, 'VALIDATION_FAILED', 'body.input');
    await expectError(t.app.request('/api/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' }), 400, 'VALIDATION_FAILED', 'body');
    await expectError(t.app.request(`/api/runs/${runId}?at=x`), 400, 'VALIDATION_FAILED', 'query.at');
    await expectError(t.app.request(`/api/runs/${runId}?at=9999`), 400, 'VALIDATION_FAILED', 'query.at');
    await expectError(t.app.request(`/api/runs/${runId}/trace?at=-1`), 400, 'VALIDATION_FAILED', 'query.at');
    await expectError(t.app.request('/api/runs?status=bogus'), 400, 'VALIDATION_FAILED', 'query.status');
    await expectError(t.app.request('/api/runs?limit=0'), 400, 'VALIDATION_FAILED', 'query.limit');
    await expectError(t.app.request('/api/runs?cursor=garbage'), 400, 'VALIDATION_FAILED');
    await expectError(t.app.request(`/api/runs/${runId}/events?from=abc`), 400, 'VALIDATION_FAILED', 'query.from');
    await expectError(post(t.app, `/api/runs/${runId}/fork`, { at: -1 }), 400, 'VALIDATION_FAILED', 'body.at');
    await expectError(post(t.app, `/api/runs/${runId}/fork`, { at: 9999 }), 400, 'VALIDATION_FAILED', 'body.at');
    await expectError(t.app.request('/api/runs/bad%20id'), 400, 'VALIDATION_FAILED', 'params.id');
  });

  it('error messages speak of the request, never of command-line flags', async () => {
    const missingKey = await json<ErrorJson>(await post(t.app, '/api/runs', { workflow: 'content_generation', input: 'x', model: 'gpt-4.1-mini' }));
    expect(missingKey.error.message).toMatch(/"model": "offline"/);
    const forkKey = await json<ErrorJson>(await post(t.app, `/api/runs/${runId}/fork`, { at: 0, model: 'gpt-4.1-mini' }));
    expect(forkKey.error.code).toBe('MISSING_API_KEY');
    const unknownRun = await json<ErrorJson>(await t.app.request('/api/runs/feedface-0000'));
    expect(unknownRun.error.message).toBe("unknown run 'feedface-0000'");
    // A run of a workflow the server can neither find by name nor rebuild from its record.
    const adhoc = await t.engine.execute(new DeterministicWorkflow({ name: 'adhoc', agents: [createAgent('writer')] }), undefined, 'x');
    const unrecorded = await post(t.app, `/api/runs/${adhoc.runId}/fork`, { at: 1 });
    expect(unrecorded.status).toBe(400);
    const unrecordedBody = await json<ErrorJson>(unrecorded);
    expect(unrecordedBody.error).toMatchObject({ code: 'WORKFLOW_NOT_RECORDED', path: 'workflow' });
    expect(unrecordedBody.error.message).toMatch(/^run \S+ ran workflow 'adhoc', which is not registered here/);
    for (const body of [missingKey, forkKey, unknownRun, unrecordedBody]) {
      expect(body.error.message).not.toMatch(/--[a-z]/);
      expect(body.error.message).not.toMatch(/\baigen [a-z]/);
    }
  });

  it('POST /api/runs/:id/fork forks a run started from agent types (its workflow was recorded with it)', async () => {
    const source = await startRun(t.app, 'research,writer', 'Fork an agent list');
    await t.engine.wait(source);
    const res = await post(t.app, `/api/runs/${source}/fork`, { at: 2 });
    expect(res.status).toBe(202);
    const fork = await json<{ runId: string }>(res);
    await expect(t.engine.wait(fork.runId)).resolves.toMatchObject({ status: 'completed', workflow: 'research_writer' });
  });

  it('400: JavaScript prototype names are no workflows or agent types; 404 under /vendor/', async () => {
    const before = (await t.store.headPosition()) ?? '';
    for (const workflow of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'research,__proto__', 'constructor,writer']) {
      await expectError(post(t.app, '/api/runs', { workflow, input: 'x' }), 400, 'UNKNOWN_WORKFLOW', 'body.workflow');
    }
    let written = 0;
    for await (const _ of t.store.readAll({ from: before })) written += 1;
    expect(written).toBe(0);
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf']) expect((await t.app.request(`/vendor/${name}`)).status, name).toBe(404);
  });

  it('415: a POST body that is not JSON', async () => {
    await expectError(t.app.request('/api/runs', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('404: unknown runs and routes', async () => {
    const missing = 'feedface-0000-4000-8000-000000000000';
    for (const path of ['', '/trace', '/definition', '/events']) await expectError(t.app.request(`/api/runs/${missing}${path}`), 404, 'NOT_FOUND');
    await expectError(t.app.request(`/api/runs/${missing}/events`, { headers: { Accept: 'text/event-stream' } }), 404, 'NOT_FOUND');
    await expectError(post(t.app, `/api/runs/${missing}/cancel`, {}), 404, 'NOT_FOUND');
    await expectError(post(t.app, `/api/runs/${missing}/fork`, { at: 0 }), 404, 'NOT_FOUND');
    await expectError(t.app.request('/api/nothing-here'), 404, 'NOT_FOUND');
  });

  it('409: cancelling a run that already ended', async () => {
    await expectError(post(t.app, `/api/runs/${runId}/cancel`, {}), 409, 'RUN_FINISHED');
  });
});
