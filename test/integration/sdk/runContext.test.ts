import { tool, type RunContext } from '@openai/agents';
import type { ModelRequest } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Catalog, createAgent, DeterministicWorkflow, ValidationError, Worker, WorkflowEngine } from '../../../src/index.js';
import { callTool, createMemoryStore, say, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

interface Ctx {
  user?: string;
  apiKey?: string;
}

/** A tool that reports the user of the run context; it needs approval when `approval` is set. */
function whoAmI(seen: string[], approval = false) {
  return tool({
    name: 'who_am_i',
    description: 'The user this conversation is for',
    parameters: z.object({}),
    needsApproval: approval,
    execute: (_args, runContext?: RunContext) => {
      const user = (runContext?.context as Ctx | undefined)?.user;
      seen.push(String(user));
      return `User ${String(user)}`;
    },
  });
}

/** Calls the tool, then says what it returned (read from the request, so any process can play it). */
function toolThenSay(): ScriptedModel {
  return new ScriptedModel((request: ModelRequest) => {
    const outputs = (request.input as Array<{ type?: string; output?: unknown }>).filter((i) => i.type === 'function_call_result');
    if (outputs.length === 0) return callTool('who_am_i', {});
    const out = outputs[0]!.output as { text?: string } | string;
    return say(`It is ${typeof out === 'string' ? out : (out.text ?? JSON.stringify(out))}`);
  });
}

function setup(approval = false) {
  const seen: string[] = [];
  const store = createMemoryStore();
  const model = toolThenSay();
  const who = whoAmI(seen, approval);
  const build = () => new DeterministicWorkflow({ name: 'who', agents: [createAgent('writer', { agentId: 'helper', tools: [who] })] });
  // Registered, so that a continuation after a decision rebuilds it by name.
  const catalog = new Catalog().registerWorkflow('who', build, { description: 'asks who the user is' });
  const engine = new WorkflowEngine({ store, maxRetries: 0, modelResolver: () => model, catalog });
  const workflow = build();
  return { store, engine, workflow, seen, model };
}

describe('run context', () => {
  it("reaches a tool as runContext.context live, and replay answers the tool from the log with the recorded context", async () => {
    const { store, engine, workflow, seen } = setup();
    const r = await engine.execute(workflow, undefined, 'Who am I?', { runContext: { user: 'ann' } });
    expect(r.status).toBe('completed');
    expect(seen).toEqual(['ann']);
    expect(r.result).toBe('It is User ann');
    const started = dataOf<{ runContext?: unknown }>(await runEvents(store, r.runId), 'RunStarted')[0]!;
    expect(started.runContext).toEqual({ user: 'ann' });
    const replay = await engine.replay(r.runId, { workflow });
    expect(replay.match).toBe(true);
    expect(replay.result?.result).toBe('It is User ann');
    expect(seen).toEqual(['ann']);
  });

  it('records RunStarted with secret fields scrubbed, while the live run sees the real values', async () => {
    const { store, engine, workflow } = setup();
    let liveKey: unknown;
    const spy = tool({
      name: 'who_am_i',
      description: 'who',
      parameters: z.object({}),
      execute: (_a, rc?: RunContext) => {
        liveKey = (rc?.context as Ctx | undefined)?.apiKey;
        return 'User ann';
      },
    });
    workflow.agents()[0]!.tools = [spy];
    const runContext = { user: 'ann', apiKey: 'sk-live-0123456789abcdef', nested: { db_password: 'hunter2hunter2', accessToken: 'tok-987654321', maxTokens: 100 } };
    const r = await engine.execute(workflow, undefined, 'Who am I?', { runContext });
    expect(r.status).toBe('completed');
    expect(liveKey).toBe('sk-live-0123456789abcdef');
    const events = await runEvents(store, r.runId);
    expect(dataOf<{ runContext?: unknown }>(events, 'RunStarted')[0]!.runContext).toEqual({
      user: 'ann', apiKey: '[redacted]', nested: { db_password: '[redacted]', accessToken: '[redacted]', maxTokens: 100 },
    });
    const all = JSON.stringify(events);
    for (const secret of ['sk-live-0123456789abcdef', 'hunter2hunter2', 'tok-987654321']) expect(all).not.toContain(secret);
    expect((await engine.replay(r.runId, { workflow })).match).toBe(true);
  });

  it('is supplied again from RunStarted when the run continues after an approval', async () => {
    const { engine, workflow, seen } = setup(true);
    const r = await engine.execute(workflow, undefined, 'Who am I?', { runContext: { user: 'ann' } });
    expect(r.status).toBe('waiting');
    expect(seen).toEqual([]);
    const decided = await engine.approve(r.runId, { by: 'bob' });
    const done = await decided.done!;
    expect(done.status).toBe('completed');
    expect(seen).toEqual(['ann']);
    expect(done.result).toBe('It is User ann');
    expect((await engine.replay(r.runId, { workflow })).match).toBe(true);
  });

  it('a submitted run gets it from RunStarted where a worker executes it', async () => {
    const { store, engine, seen } = setup();
    const runId = await engine.submit(engine.catalog.createWorkflow('who'), 'Who am I?', { runContext: { user: 'dee' } });
    const worker = new Worker(engine, { id: 'w', leaseMs: 5000 });
    await worker.start();
    try {
      for (let i = 0; i < 500 && (await runEvents(store, runId)).at(-1)?.type !== 'RunCompleted'; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await worker.stop();
    }
    expect(seen).toEqual(['dee']);
    expect(dataOf<{ output: unknown }>(await runEvents(store, runId), 'RunCompleted')[0]!.output).toBe('It is User dee');
  });

  it('a fork keeps the recorded context, or takes the one it is given', async () => {
    const { engine, workflow, seen } = setup();
    const r = await engine.execute(workflow, undefined, 'Who am I?', { runContext: { user: 'ann' } });
    // Position 0 is RunStarted: everything after it runs live in the fork.
    const same = await engine.fork(r.runId, { at: 0, workflow });
    expect(same.result).toBe('It is User ann');
    const other = await engine.fork(r.runId, { at: 0, workflow, runContext: { user: 'cy' } });
    expect(other.result).toBe('It is User cy');
    expect(seen).toEqual(['ann', 'ann', 'cy']);
  });

  it('a value that is not a JSON object is a ValidationError naming runContext, and nothing is recorded', async () => {
    const { store, engine, workflow } = setup();
    for (const bad of [{ at: new Date() }, { f: () => 1 }, 'ann', { n: Number.NaN }]) {
      let caught: unknown;
      try {
        await engine.execute(workflow, undefined, 'Who am I?', { runContext: bad });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect(caught).toMatchObject({ path: 'runContext' });
    }
    const runs: string[] = [];
    for await (const e of store.readAll()) runs.push(e.streamId);
    expect(runs).toEqual([]);
  });
});
