import { tool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent, DeterministicWorkflow, StoreUnavailableError, WorkflowEngine, type EventStore } from '../../../src/index.js';
import { callTool, createMemoryStore, say, ScriptedModel } from '../../../src/testing/index.js';
import { runEvents } from '../../support/runs.js';

/** A store whose appends fail once a batch holds an event of `type`. */
function failingOn(type: string): EventStore {
  const inner = createMemoryStore();
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'append') {
        return (streamId: string, events: Array<{ type: string; data: unknown }>, options: unknown) => {
          if (events.some((e) => e.type === type)) return Promise.reject(new StoreUnavailableError('test store', { cause: new Error('disk full') }));
          return target.append(streamId, events, options as never);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

describe('write-ahead recording', () => {
  it('never lets a step act on a model response the store did not accept', async () => {
    const store = failingOn('ModelResponded');
    let toolRuns = 0;
    const lookup = tool({ name: 'lookup', description: 'look something up', parameters: z.object({ q: z.string() }), execute: () => (toolRuns++, 'found') });
    const research = createAgent('research', { tools: [lookup] });
    const models = { research: new ScriptedModel([callTool('lookup', { q: 'tides' }), say('findings')]), writer: new ScriptedModel([say('article')]) };
    const engine = new WorkflowEngine({ store, maxRetries: 2, retryDelayMs: 1, modelResolver: (_n, a) => models[a.agentId as keyof typeof models] });
    const result = await engine.execute(new DeterministicWorkflow({ agents: [research, createAgent('writer')], name: 'wa' }), undefined, 'tides');
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('STORE_UNAVAILABLE');
    expect(toolRuns).toBe(0);
    expect(models.research.calls).toBe(1);
    expect(models.writer.calls).toBe(0);
    const types = (await runEvents(store, result.runId)).map((e) => e.type);
    expect(types).not.toContain('ModelResponded');
    expect(types).not.toContain('ToolCalled');
    expect(types).not.toContain('StepCompleted');
  });

  it('fails the run safely when even RunStarted cannot be written', async () => {
    const store = failingOn('RunStarted');
    const engine = new WorkflowEngine({ store, modelResolver: () => new ScriptedModel([say('x')]) });
    await expect(engine.execute(new DeterministicWorkflow({ agents: [createAgent('writer')], name: 'x' }), undefined, 'x')).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });

  it("commits a completed run's last step (its spans, StepCompleted, transitions) together with RunCompleted", async () => {
    const inner = createMemoryStore();
    const batches: string[][] = [];
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'append') {
          return (streamId: string, events: Array<{ type: string }>, options: unknown) => {
            batches.push(events.map((e) => e.type));
            return target.append(streamId, events as never, options as never);
          };
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const engine = new WorkflowEngine({ store, modelResolver: () => new ScriptedModel([say('article')]) });
    const result = await engine.execute(new DeterministicWorkflow({ agents: [createAgent('writer')], name: 'last' }), undefined, 'tides');
    expect(result.status).toBe('completed');
    const last = batches.at(-1)!;
    expect(last.at(-1)).toBe('RunCompleted');
    expect(last).toContain('StepCompleted');
    expect(batches.filter((b) => b.includes('StepCompleted'))).toHaveLength(1);
  });

  it('ends a run failed, with the store error, when its final commit is refused, and records no completion', async () => {
    const store = failingOn('RunCompleted');
    const engine = new WorkflowEngine({ store, modelResolver: () => new ScriptedModel([say('article')]) });
    const result = await engine.execute(new DeterministicWorkflow({ agents: [createAgent('writer')], name: 'refused' }), undefined, 'tides');
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('STORE_UNAVAILABLE');
    const types = (await runEvents(store, result.runId)).map((e) => e.type);
    expect(types).toContain('ModelResponded');
    expect(types).not.toContain('RunCompleted');
  });
});
