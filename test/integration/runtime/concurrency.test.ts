import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorkflow, openStore, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

describe('many runs at once', () => {
  it('completes 1,000 concurrent 3-agent sequential runs on one sqlite store, every stream consistent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aigen-many-'));
    const store = await openStore(`sqlite:${join(dir, 'aigen.db')}`);
    try {
      const engine = new WorkflowEngine({ store, model: 'offline' });
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, i) => engine.execute(createWorkflow('content_generation'), undefined, `Topic number ${i}`)),
      );
      expect(results.filter((r) => r.status === 'completed')).toHaveLength(1000);
      expect(new Set(results.map((r) => r.runId)).size).toBe(1000);
      for (const r of results.filter((_, i) => i % 50 === 0)) {
        const events = await runEvents(store, r.runId);
        expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i));
        expect(events[0]!.type).toBe('RunStarted');
        expect(events.at(-1)!.type).toBe('RunCompleted');
        expect(dataOf(events, 'StepCompleted').map((s) => s.agentId)).toEqual(['research', 'writer', 'editor']);
        expect(events.every((e) => e.metadata.runId === r.runId)).toBe(true);
      }
      let total = 0;
      let runs = 0;
      for await (const e of store.readAll()) {
        total++;
        if (e.type === 'RunCompleted') runs++;
      }
      expect(runs).toBe(1000);
      expect(total).toBeGreaterThan(1000 * 20);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('runs of one workflow object at once', () => {
  it('share its machine yet each records only its own input, steps and result', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, model: 'offline' });
    const workflow = createWorkflow('content_generation');
    const topics = Array.from({ length: 20 }, (_, i) => `Topic number ${i}`);
    const results = await Promise.all(topics.map((topic) => engine.execute(workflow, undefined, topic)));
    for (const [i, r] of results.entries()) {
      expect(r.status).toBe('completed');
      const events = await runEvents(store, r.runId);
      expect(events.every((e) => e.metadata.runId === r.runId)).toBe(true);
      const tasks = dataOf<{ stepId: string; agentId: string; input: string }>(events, 'TaskSent');
      expect(tasks.map((t) => [t.stepId, t.agentId])).toEqual([['1-research', 'research'], ['2-writer', 'writer'], ['3-editor', 'editor']]);
      expect(tasks[0]!.input).toBe(topics[i]);
      expect(tasks[2]!.input).toContain(`Original request: ${topics[i]}`);
    }
  });
});
