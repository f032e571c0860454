import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Context, createWorkflow, openStore, WorkflowEngine, type EventStore, type RecordedEvent, type WorkflowDefinition } from '../../../src/index.js';
import { illegalTransitions } from '../../support/legality.js';
import { dataOf, runEvents } from '../../support/runs.js';

let dir: string;
let store: EventStore;
let engine: WorkflowEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aigen-patterns-'));
  store = await openStore(`sqlite:${join(dir, 'aigen.db')}`);
  engine = new WorkflowEngine({ store, model: 'offline', retryDelayMs: 10 });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Check a run's stream: starts and ends right, a StepCompleted per completed task, legal transitions. */
async function checkRun(runId: string): Promise<RecordedEvent[]> {
  const events = await runEvents(store, runId);
  expect(events[0]?.type).toBe('RunStarted');
  expect(events.at(-1)?.type).toBe('RunCompleted');
  expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i));
  const tasks = new Set(dataOf<{ stepId: string }>(events, 'TaskSent').map((t) => t.stepId));
  const completed = dataOf<{ stepId: string }>(events, 'StepCompleted').map((s) => s.stepId);
  expect(new Set(completed)).toEqual(tasks);
  expect(completed.length).toBe(tasks.size);
  const definition = (events[0]!.data as { workflow: { definition: WorkflowDefinition } }).workflow.definition;
  expect(illegalTransitions(definition, events)).toEqual([]);
  const actors = new Set(dataOf<{ actorId: string }>(events, 'Transitioned').map((t) => t.actorId));
  expect(actors.has('workflow')).toBe(true);
  for (const e of events.filter((x) => x.type === 'TaskSent')) expect(actors.has(e.metadata.actorId!)).toBe(true);
  for (const e of events) expect(e.metadata).toMatchObject({ runId, schemaVersion: 1 });
  return events;
}

function agentTransitions(events: RecordedEvent[], actorId: string): unknown[] {
  return dataOf<{ actorId: string; to: unknown }>(events, 'Transitioned').filter((t) => t.actorId === actorId).map((t) => t.to);
}

describe('the five workflow patterns on sqlite with the offline model', () => {
  it('sequential: research → writer → editor, each output feeding the next', async () => {
    const context = new Context();
    const result = await engine.execute(createWorkflow('content_generation'), context, 'Generate content about AI');
    expect(result).toMatchObject({ status: 'completed', partial: false, workflowId: result.runId });
    expect(typeof result.result).toBe('string');
    expect(result.usage.totalTokens).toBeGreaterThan(0);
    const events = await checkRun(result.runId);
    expect(dataOf(events, 'StepCompleted').map((s) => s.agentId)).toEqual(['research', 'writer', 'editor']);
    const writerTask = dataOf<{ agentId: string; input: string }>(events, 'TaskSent').find((t) => t.agentId === 'writer')!;
    expect(writerTask.input).toContain("Previous agent 'research' output:");
    expect(writerTask.input).toContain('Original request: Generate content about AI');
    expect(context.getOutput('editor')).toBe(result.result);
    expect(agentTransitions(events, 'workflow')).toEqual(['research', 'writer', 'editor', 'completed']);
    expect(agentTransitions(events, 'writer')).toEqual(['working', 'done']);
    expect(dataOf(events, 'ModelResponded').length).toBe(3);
    const status = await engine.getWorkflowStatus(result.runId);
    expect(status).toMatchObject({ status: 'completed', workflow: 'content_generation', kind: 'sequential' });
  });

  it('handoff: orchestrator → research → writer as HandoffRequested events and actor transitions', async () => {
    const result = await engine.execute(createWorkflow('dynamic_content'), undefined, 'Research and write about quantum computing');
    expect(result.status).toBe('completed');
    const events = await checkRun(result.runId);
    expect(dataOf(events, 'HandoffRequested').map((h) => [h.from, h.to])).toEqual([
      ['orchestrator', 'research'],
      ['research', 'writer'],
    ]);
    expect(agentTransitions(events, 'workflow')).toEqual(['orchestrator', 'research', 'writer', 'completed']);
    const writerTask = dataOf<{ agentId: string; input: unknown }>(events, 'TaskSent').find((t) => t.agentId === 'writer')!;
    expect(Array.isArray(writerTask.input)).toBe(true);
    expect(JSON.stringify(writerTask.input)).toContain('quantum computing');
  });

  it.each([
    ['technical', 'Explain the database indexing algorithm in our software'],
    ['creative', 'Write a short story about a lighthouse keeper'],
    ['general', 'Tips for a healthy breakfast routine'],
  ])('branching takes the %s branch for a matching input', async (branch, input) => {
    const result = await engine.execute(createWorkflow('content_router'), undefined, input);
    expect(result.status).toBe('completed');
    const events = await checkRun(result.runId);
    expect(dataOf(events, 'BranchTaken')).toEqual([expect.objectContaining({ branch })]);
    const flow = agentTransitions(events, 'workflow');
    expect(flow).toEqual(['classify', 'deciding', branch, 'completed']);
    const nested = dataOf<{ actorId: string }>(events, 'Transitioned').filter((t) => t.actorId.startsWith(`${branch}/`));
    expect(nested.length).toBeGreaterThan(0);
  });

  it('parallel: branches run as child runs and the aggregator sees every version', async () => {
    const result = await engine.execute(createWorkflow('multi_perspective'), undefined, 'The future of renewable energy');
    expect(result.status).toBe('completed');
    const events = await checkRun(result.runId);
    const children = dataOf<{ childRunId: string; branch: string; status: string }>(events, 'ChildRunFinished');
    expect(children.map((c) => [c.branch, c.status]).sort()).toEqual([
      ['creative', 'completed'],
      ['general', 'completed'],
      ['technical', 'completed'],
    ]);
    for (const child of children) {
      const childEvents = await checkRun(child.childRunId);
      expect(childEvents[0]!.data).toMatchObject({ parentRunId: result.runId, branch: child.branch });
      expect(childEvents[0]!.metadata.rootRunId).toBe(result.runId);
    }
    const aggregatorTask = dataOf<{ agentId: string; input: string }>(events, 'TaskSent').find((t) => t.agentId === 'aggregator')!;
    expect(aggregatorTask.input).toMatch(/^Original request: The future of renewable energy/);
    for (const name of ['TECHNICAL', 'CREATIVE', 'GENERAL']) expect(aggregatorTask.input).toContain(`${name} VERSION:\n`);
  });

  it('loop: critique → revise until the critic approves', async () => {
    const result = await engine.execute(createWorkflow('self_improving'), undefined, 'Write about coral reefs');
    expect(result.status).toBe('completed');
    const events = await checkRun(result.runId);
    const flow = agentTransitions(events, 'workflow');
    expect(flow[0]).toBe('generate');
    expect(flow.at(-1)).toBe('completed');
    expect(flow).toContain('revise');
    const critiques = dataOf<{ agentId: string; output: string }>(events, 'StepCompleted').filter((s) => s.agentId === 'critic');
    expect(critiques.at(-1)!.output.toLowerCase()).toContain('no improvements needed');
    expect(critiques.slice(0, -1).every((c) => !c.output.toLowerCase().includes('no improvements needed'))).toBe(true);
  });
});
