import { describe, expect, it } from 'vitest';
import { createWorkflow, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

describe('seeded offline failures', () => {
  it('AIGEN_OFFLINE_FAIL=writer:1 fails the first writer call of a run and the retry succeeds', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, retryDelayMs: 1, env: { AIGEN_OFFLINE_FAIL: 'writer:1' } });
    const result = await engine.execute(createWorkflow('content_generation'), undefined, 'Generate content about AI');
    expect(result.status).toBe('completed');
    const events = await runEvents(store, result.runId);
    expect(dataOf(events, 'StepFailed')).toEqual([expect.objectContaining({ agentId: 'writer', attempt: 1, willRetry: true })]);
    expect(dataOf(events, 'ModelFailed')).toEqual([expect.objectContaining({ retryable: true, error: expect.objectContaining({ code: 'OFFLINE_MODEL_FAILURE' }) })]);
    expect(dataOf<{ agentId: string; attempt: number }>(events, 'StepCompleted').find((s) => s.agentId === 'writer')?.attempt).toBe(2);
  });
});
