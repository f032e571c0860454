import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflow, DEFAULT_STEP_TIMEOUT_MS, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore, say } from '../../../src/testing/index.js';
import { aigen, json, sandbox } from '../../e2e/cli/helpers.js';
import { hang, httpError, startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { dataOf, runEvents } from '../../support/runs.js';

// Retries and timeouts of real-model calls, against a local OpenAI-compatible server: every
// request that reaches it is one recorded attempt, and only errors that a retry can fix are retried.
let stub: OpenAIStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const modelRequests = (s: OpenAIStub) => s.requests.filter((r) => r.api !== undefined).length;

function engineFor(s: OpenAIStub, options: { maxRetries?: number; retryDelayMs?: number; stepTimeoutMs?: number } = {}) {
  const store = createMemoryStore();
  const engine = new WorkflowEngine({
    store,
    model: 'gpt-4.1-mini',
    env: { OPENAI_API_KEY: 'sk-test-0123456789abcdef', OPENAI_BASE_URL: s.baseURL },
    ...options,
  });
  return { store, engine };
}

describe('model call retries', () => {
  it.each([
    [401, 'Incorrect API key provided'],
    [400, 'Invalid value for input'],
  ])('does not retry a %i answer: one request, recorded as one non-retryable failure', async (status, message) => {
    stub = await startOpenAIStub({ responses: () => httpError(status, message) });
    // The default policy (3 retries from 5 s, doubling) would take 35 s to give up.
    const { store, engine } = engineFor(stub);
    const result = await engine.execute(createWorkflow(['research']), undefined, 'Tides');
    expect(result.status).toBe('failed');
    expect(modelRequests(stub)).toBe(1);
    const events = await runEvents(store, result.runId);
    expect(dataOf<{ retryable: boolean }>(events, 'ModelFailed').map((f) => f.retryable)).toEqual([false]);
    expect(dataOf<{ attempt: number; willRetry: boolean }>(events, 'StepFailed').map((f) => [f.attempt, f.willRetry])).toEqual([[1, false]]);
    expect(events.at(-1)?.type).toBe('RunFailed');
  });

  it('waits what Retry-After asks on a 429 instead of the backoff, and records every request as an attempt', async () => {
    stub = await startOpenAIStub({ responses: [httpError(429, 'Rate limit reached', { 'retry-after': '1' }), say('Findings about tides.')] });
    // A 60 s backoff would outlast the test: only the server's 1 s makes it pass.
    const { store, engine } = engineFor(stub, { maxRetries: 2, retryDelayMs: 60_000 });
    const result = await engine.execute(createWorkflow(['research']), undefined, 'Tides');
    expect(result).toMatchObject({ status: 'completed', result: 'Findings about tides.' });
    // The openai client's own retries are off: the 429 reached aigen and was recorded.
    expect(modelRequests(stub)).toBe(2);
    const events = await runEvents(store, result.runId);
    expect(dataOf(events, 'ModelCalled')).toHaveLength(2);
    expect(dataOf<{ retryable: boolean }>(events, 'ModelFailed').map((f) => f.retryable)).toEqual([true]);
    expect(dataOf<{ willRetry: boolean; retryInMs?: number }>(events, 'StepFailed').map((f) => [f.willRetry, f.retryInMs])).toEqual([[true, 1000]]);
  });

  it('takes a 503 Retry-After in milliseconds too', async () => {
    stub = await startOpenAIStub({ responses: [httpError(503, 'Overloaded', { 'retry-after-ms': '20' }), say('ok')] });
    const { store, engine } = engineFor(stub, { maxRetries: 1, retryDelayMs: 60_000 });
    const result = await engine.execute(createWorkflow(['research']), undefined, 'Tides');
    expect(result.status).toBe('completed');
    expect(dataOf<{ retryInMs?: number }>(await runEvents(store, result.runId), 'StepFailed').map((f) => f.retryInMs)).toEqual([20]);
  });
});

describe('step timeout', () => {
  it('fails a step whose model never answers, records why, and ends the run', async () => {
    stub = await startOpenAIStub({ responses: () => hang() });
    const { store, engine } = engineFor(stub, { maxRetries: 0, stepTimeoutMs: 300 });
    const result = await engine.execute(createWorkflow(['research']), undefined, 'Tides');
    expect(result.status).toBe('failed');
    const events = await runEvents(store, result.runId);
    expect(dataOf<{ error: { code: string }; willRetry: boolean }>(events, 'StepFailed')).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'STEP_TIMEOUT' }), willRetry: false }),
    ]);
    expect(events.at(-1)?.type).toBe('RunFailed');
    expect(dataOf<{ options: { stepTimeoutMs?: number } }>(events, 'RunStarted')[0]!.options.stepTimeoutMs).toBe(300);
  });

  it('limits every step attempt by default', async () => {
    stub = await startOpenAIStub({ responses: [say('ok')] });
    const { store, engine } = engineFor(stub);
    const result = await engine.execute(createWorkflow(['research']), undefined, 'Tides');
    const [started] = dataOf<{ options: { stepTimeoutMs?: number } }>(await runEvents(store, result.runId), 'RunStarted');
    expect(started!.options.stepTimeoutMs).toBe(DEFAULT_STEP_TIMEOUT_MS);
  });

  it('aigen run --step-timeout: a hung model fails the run (exit 1) instead of waiting forever', async () => {
    stub = await startOpenAIStub({ responses: () => hang() });
    const sb = sandbox();
    try {
      const env = { OPENAI_API_KEY: 'sk-test-0123456789abcdef', OPENAI_BASE_URL: stub.baseURL };
      const r = await aigen(['run', 'research', 'Tides', '--model', 'gpt-4.1-mini', '--step-timeout', '300', '--max-retries', '0', '--json'], { sb, env });
      expect(r.code, r.stderr).toBe(1);
      const out = json<{ runId: string; status: string }>(r);
      expect(out.status).toBe('failed');
      const events = json<{ events?: unknown }>(await aigen(['status', out.runId, '--json'], { sb }));
      expect(JSON.stringify(events)).toContain('STEP_TIMEOUT');
    } finally {
      sb.cleanup();
    }
  }, 120_000);
});
