import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Catalog,
  DeterministicWorkflow,
  openStore,
  parseWorkflowSource,
  SignalStep,
  ValidationError,
  WorkflowEngine,
  type DecisionResult,
  type EventStore,
  type ExecuteResult,
} from '../../../src/index.js';
import { say, ScriptedModel, SimulatedClock } from '../../../src/testing/index.js';
import { dataOf, runEvents, typesOf } from '../../support/runs.js';

// Workflow steps that wait, on a SQLite store: the run parks, the decision (or the due timer)
// is in its log, and the run goes on from there.
let dir: string;
let store: EventStore;
let clock: SimulatedClock;
let engine: WorkflowEngine;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aigen-waitsteps-'));
  store = await openStore(`sqlite:${join(dir, 'aigen.db')}`);
  clock = new SimulatedClock();
  engine = new WorkflowEngine({
    store,
    clock,
    modelResolver: (_name, agent) => new ScriptedModel(() => say(`${agent.agentId} output`)),
  });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const workflow = (steps: string) => parseWorkflowSource(`name: waits\nkind: sequential\nagents:\n${steps}`);

/** The outcome of a decision that continued the run in this process (no worker serves the store). */
async function continuedHere(decision: Promise<DecisionResult>): Promise<ExecuteResult> {
  const r = await decision;
  expect(r.continued).toBe('here');
  return r.done!;
}

describe('approval steps', () => {
  it('approved with an edit: the next step reads the edit, and the approver saw the previous output', async () => {
    const first = await engine.execute(workflow('  - writer\n  - approval: publish\n    prompt: Publish?\n  - editor\n'), undefined, 'Write about owls');
    expect(first.status).toBe('waiting');
    const [asked] = dataOf(await runEvents(store, first.runId), 'ApprovalRequested');
    expect(asked).toMatchObject({ approvalId: '2-publish.approval', kind: 'step', name: 'publish', prompt: 'Publish?', content: 'writer output' });

    const done = await continuedHere(engine.approve(first.runId, { by: 'ana', output: 'the edited draft' }));
    expect(done).toMatchObject({ status: 'completed', result: 'editor output' });
    const tasks = dataOf<{ agentId: string; input: string }>(await runEvents(store, first.runId), 'TaskSent');
    expect(tasks.map((t) => t.agentId)).toEqual(['writer', 'editor']);
    expect(tasks[1]!.input).toContain('the edited draft');
    expect(tasks[1]!.input).not.toContain('writer output');
    expect(await engine.replay(first.runId)).toMatchObject({ match: true });
  });

  it('rejected: the run ends partial with the output before it, APPROVAL_REJECTED, and the reason in ApprovalDecided', async () => {
    const first = await engine.execute(workflow('  - writer\n  - approval: publish\n  - editor\n'), undefined, 'Write about owls');
    const done = await continuedHere(engine.reject(first.runId, { approvalId: '2-publish.approval', by: 'ana', reason: 'too long' }));
    expect(done).toMatchObject({ status: 'partial', result: 'writer output', error: { code: 'APPROVAL_REJECTED', message: "approval 'publish' rejected by ana: too long" } });
    const events = await runEvents(store, first.runId);
    expect(dataOf(events, 'ApprovalDecided')).toEqual([{ approvalId: '2-publish.approval', decision: 'reject', by: 'ana', comment: 'too long' }]);
    expect(dataOf<{ agentId: string }>(events, 'TaskSent').map((t) => t.agentId)).toEqual(['writer']);
    expect(events.at(-1)).toMatchObject({ type: 'RunCompleted', data: { partial: true, output: 'writer output' } });
    expect(await engine.replay(first.runId)).toMatchObject({ match: true });
  });

  it('with a timeout and onTimeout: reject, a run continued after it is due is rejected by the timeout', async () => {
    const first = await engine.execute(workflow('  - writer\n  - approval: publish\n    timeout: 24h\n    onTimeout: reject\n  - editor\n'), undefined, 'Write about owls');
    expect(first.status).toBe('waiting');
    expect(first.waitingFor).toMatchObject([{ kind: 'approval', id: '2-publish.approval', dueAt: new Date(24 * 3_600_000).toISOString() }]);
    clock.increment(24 * 3_600_000);
    const done = await engine.resume(first.runId);
    expect(done).toMatchObject({ status: 'partial', result: 'writer output', error: { code: 'APPROVAL_REJECTED', message: "approval 'publish' timed out (onTimeout: reject)" } });
    const events = await runEvents(store, first.runId);
    expect(dataOf(events, 'ApprovalDecided')).toEqual([{ approvalId: '2-publish.approval', decision: 'reject', by: 'timeout', timedOut: true }]);
    expect(dataOf(events, 'TimerFired')).toEqual([{ timerId: '2-publish.approval.timeout' }]);
    expect(await engine.replay(first.runId)).toMatchObject({ match: true });
  });
});

describe('signal steps', () => {
  it('a payload its schema refuses is a ValidationError naming the field, and nothing is recorded; a valid one continues as the step output', async () => {
    // Registered in code, as a program or a project file's `workflows` factory does.
    const schema = { type: 'object', required: ['amount', 'currency'], properties: { amount: { type: 'number', exclusiveMinimum: 0 }, currency: { enum: ['EUR', 'USD'] } } };
    const catalog = new Catalog().registerWorkflow(
      'order',
      (_o, c) => new DeterministicWorkflow({ name: 'order', agents: [c.createAgent('writer', { agentId: 'quote' }), new SignalStep({ name: 'payment', prompt: 'Send the payment', schema }), c.createAgent('writer', { agentId: 'confirmation' })] }),
      { description: 'an order paid by signal' },
    );
    engine = new WorkflowEngine({ store, clock, catalog, modelResolver: (_name, agent) => new ScriptedModel(() => say(`${agent.agentId} output`)) });
    const first = await engine.execute(catalog.createWorkflow('order'), undefined, 'Twelve notebooks');
    expect(first).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'signal', id: '2-payment.signal', name: 'payment', prompt: 'Send the payment' }] });
    const before = await runEvents(store, first.runId);

    const refused = await engine.signal(first.runId, 'payment', { amount: -3, currency: 'GBP' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused).toMatchObject({ path: 'amount' });
    expect((refused as Error).message).toMatch(/^signal 'payment' payload field amount: .*; payload field currency: /);
    const empty = (await engine.signal(first.runId, 'payment', {}).catch((e: unknown) => e)) as ValidationError;
    expect(empty).toBeInstanceOf(ValidationError);
    expect([empty.path, empty.message]).toEqual(['amount', "signal 'payment' payload field amount: required field missing; payload field currency: required field missing"]);
    expect(await runEvents(store, first.runId)).toHaveLength(before.length);

    const done = await continuedHere(engine.signal(first.runId, 'payment', { amount: 12.5, currency: 'EUR' }, { by: 'bank' }));
    expect(done).toMatchObject({ status: 'completed', result: 'confirmation output' });
    const events = await runEvents(store, first.runId);
    expect(dataOf(events, 'SignalReceived')).toEqual([{ signalId: '2-payment.signal', name: 'payment', payload: { amount: 12.5, currency: 'EUR' }, by: 'bank' }]);
    const tasks = dataOf<{ agentId: string; input: string }>(events, 'TaskSent');
    expect(tasks.map((t) => t.agentId)).toEqual(['quote', 'confirmation']);
    expect(tasks[1]!.input).toContain("Previous agent 'payment' output:\n{\"amount\":12.5,\"currency\":\"EUR\"}");
    expect(await engine.replay(first.runId)).toMatchObject({ match: true });
  });
});

describe('sleep steps', () => {
  it('a sleep that is not due yet parks again on resume, and fires exactly once when due', async () => {
    const first = await engine.execute(workflow('  - writer\n  - sleep: 2h\n    name: cooling_off\n  - editor\n'), undefined, 'Write about owls');
    expect(first).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'timer', id: '2-cooling_off.timer' }] });
    clock.increment(3_600_000);
    expect((await engine.resume(first.runId)).status).toBe('waiting');
    clock.increment(3_600_000);
    const done = await engine.resume(first.runId);
    expect(done).toMatchObject({ status: 'completed', result: 'editor output' });
    const events = await runEvents(store, first.runId);
    expect(dataOf(events, 'TimerStarted')).toEqual([{ timerId: '2-cooling_off.timer', dueAt: new Date(2 * 3_600_000).toISOString(), stepId: '2-cooling_off', purpose: 'sleep' }]);
    expect(typesOf(events).filter((t) => t === 'TimerFired')).toHaveLength(1);
    expect(dataOf<{ agentId: string; input: string }>(events, 'TaskSent').map((t) => t.agentId)).toEqual(['writer', 'editor']);
    expect(await engine.replay(first.runId)).toMatchObject({ match: true });
  });
});
