import { afterEach, describe, expect, it } from 'vitest';
import { createWorkflow, MissingApiKeyError, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore, handoffTo, say, sayAndHandoff } from '../../../src/testing/index.js';
import { byInstructions, startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { dataOf, runEvents } from '../../support/runs.js';

const KEY = 'sk-test-secret-key-0123456789';
let stub: OpenAIStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe.each([
  ['responses', 'responses'],
  ['chat_completions', 'chat'],
] as const)('the OpenAI path over the %s API', (api, wire) => {
  it('drives a handoff workflow through the real openai client and records no key', async () => {
    stub = await startOpenAIStub({
      responses: byInstructions({
        'You are a triage orchestrator': [handoffTo('research')],
        'You are a meticulous research analyst': [sayAndHandoff('Findings: tides follow the moon.', 'writer')],
        'You are a skilled writer': [say('Tides: an article.')],
      }),
    });
    const store = createMemoryStore();
    const engine = new WorkflowEngine({
      store,
      model: 'gpt-4.1-mini',
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: stub.baseURL, AIGEN_OPENAI_API: api },
    });
    const result = await engine.execute(createWorkflow('dynamic_content'), undefined, 'Research and write about tides');
    expect(result).toMatchObject({ status: 'completed', result: 'Tides: an article.' });
    const events = await runEvents(store, result.runId);
    expect(dataOf(events, 'HandoffRequested').map((h) => [h.from, h.to])).toEqual([
      ['orchestrator', 'research'],
      ['research', 'writer'],
    ]);
    expect(dataOf(events, 'ModelResponded').map((m) => m.model)).toEqual(['gpt-4.1-mini', 'gpt-4.1-mini', 'gpt-4.1-mini']);
    const models = stub.requests.filter((r) => r.api !== undefined);
    expect(models.map((r) => r.api)).toEqual([wire, wire, wire]);
    for (const r of models) expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
    const stored = JSON.stringify(events);
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain('Bearer');
  });
});

describe('model selection', () => {
  it('refuses a real model without OPENAI_API_KEY before anything is recorded', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, model: 'gpt-4.1-mini', env: {} });
    await expect(engine.execute(createWorkflow('content_generation'), undefined, 'x')).rejects.toBeInstanceOf(MissingApiKeyError);
    const all = [];
    for await (const e of store.readAll()) all.push(e);
    expect(all).toEqual([]);
  });
});
