import { Agent, tool } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DeterministicWorkflow, WorkflowEngine } from '../../../src/index.js';
import { callTool, combine, createMemoryStore, say, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

function lookup(options: { errorFunction?: null }) {
  return tool({
    name: 'lookup_price',
    description: 'Look up a price.',
    parameters: z.object({ sku: z.string() }),
    execute: ({ sku }) => {
      throw new Error(`price service is down for ${sku}`);
    },
    ...options,
  });
}

function run(options: { errorFunction?: null }) {
  const store = createMemoryStore();
  const research = new Agent({ name: 'research', instructions: 'Research.' });
  const pricer = new Agent({ name: 'pricer', instructions: 'Price it.', tools: [lookup(options)] });
  const models: Record<string, ScriptedModel> = {
    research: new ScriptedModel(() => say('research notes')),
    pricer: new ScriptedModel([combine(callTool('lookup_price', { sku: 'a1' }), callTool('lookup_price', { sku: 'b2' })), say('priced anyway')]),
  };
  const engine = new WorkflowEngine({ store, maxRetries: 0, modelResolver: (_name, agent) => models[agent.agentId] ?? new ScriptedModel(() => say('?')) });
  const workflow = new DeterministicWorkflow({ name: 'pricing', agents: [research, pricer] });
  return { store, engine, workflow, models };
}

describe('a tool that throws', () => {
  it('by default sends the error text to the model and the step completes', async () => {
    const { store, engine, workflow, models } = run({});
    const result = await engine.execute(workflow, undefined, 'Price a1 and b2');
    expect(result.status).toBe('completed');
    expect(result.result).toBe('priced anyway');
    expect(models.pricer?.calls).toBe(2);
    const events = await runEvents(store, result.runId);
    expect(dataOf(events, 'StepFailed')).toEqual([]);
  });

  it("with the SDK's errorFunction: null fails its step, and the sequence gives its partial result", async () => {
    const { store, engine, workflow, models } = run({ errorFunction: null });
    const result = await engine.execute(workflow, undefined, 'Price a1 and b2');
    expect(result.status).toBe('partial');
    expect(result.result).toBe('research notes');
    expect(models.pricer?.calls).toBe(1);
    const events = await runEvents(store, result.runId);
    const failed = dataOf<{ agentId: string; error: { message: string } }>(events, 'StepFailed');
    expect(failed.map((f) => f.agentId)).toEqual(['pricer']);
    expect(failed[0]?.error.message).toContain('price service is down');
    expect(dataOf(events, 'ToolFailed').length).toBe(2);
  });
});
