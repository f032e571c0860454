import { describe, expect, it } from 'vitest';
import {
  createAgent,
  createWorkflow,
  DeterministicWorkflow,
  HandoffWorkflow,
  NotFoundError,
  registerWorkflowFactory,
  ValidationError,
  WorkflowEngine,
  type EngineOptions,
} from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

// The library as a program written from the docs uses it, mistakes included.
describe('workflow factories, engine options and handoffs as a program writes them', () => {
  it('a registered factory that spreads its options into the constructor gets the registered name as its name', async () => {
    registerWorkflowFactory('my_workflow', (opts) => new DeterministicWorkflow({ agents: [createAgent('research')], ...opts }), { description: 'Custom workflow' });
    const workflow = createWorkflow('my_workflow');
    expect(workflow.name).toBe('my_workflow');
    expect(createWorkflow('my_workflow', { name: 'renamed' }).name).toBe('renamed');
    const store = createMemoryStore();
    const result = await new WorkflowEngine({ store }).execute(workflow, undefined, 'Tides');
    expect(result.status).toBe('completed');
    expect(dataOf<{ workflow: { name: string } }>(await runEvents(store, result.runId), 'RunStarted')[0]!.workflow.name).toBe('my_workflow');
  });

  it('a workflow constructed without a name is a ValidationError naming `name`', () => {
    expect(() => new DeterministicWorkflow({ agents: [createAgent('research')] })).toThrow(ValidationError);
    expect(() => new DeterministicWorkflow({ agents: [createAgent('research')] })).toThrow(expect.objectContaining({ path: 'name', message: expect.stringMatching(/a workflow needs a name/) }));
  });

  it('an engine without a store is a ValidationError naming `store`', () => {
    const options = { maxRetries: 3 } as unknown as EngineOptions;
    expect(() => new WorkflowEngine(options)).toThrow(expect.objectContaining({ name: 'ValidationError', path: 'store', message: expect.stringMatching(/needs an event store/) }));
  });

  it('execute, start and submit take a workflow name, created from the engine catalog; a misspelt one gets a "did you mean"', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const result = await engine.execute('content_generation', undefined, 'Tides');
    expect(result.status).toBe('completed');
    expect(dataOf<{ workflow: { name: string } }>(await runEvents(store, result.runId), 'RunStarted')[0]!.workflow.name).toBe('content_generation');
    const started = await engine.start(['research', 'writer'], 'Fjords');
    expect((await engine.wait(started)).status).toBe('completed');
    await expect(engine.execute('content_generaton', undefined, 'Tides')).rejects.toThrow(NotFoundError);
    await expect(engine.execute('content_generaton', undefined, 'Tides')).rejects.toThrow("unknown workflow 'content_generaton' — did you mean 'content_generation'?");
    expect(() => createWorkflow('content_generaton')).toThrow("did you mean 'content_generation'?");
  });

  it('addHandoff takes the agent itself: the run hands off to its agentId', async () => {
    const triage = createAgent('orchestrator');
    const research = createAgent('research');
    const writer = createAgent('writer');
    triage.addHandoff(research);
    research.addHandoff(writer);
    expect(triage.handoffs).toEqual(['research']);
    const store = createMemoryStore();
    const result = await new WorkflowEngine({ store }).execute(new HandoffWorkflow({ agents: [triage, research, writer], name: 'triage' }), undefined, 'Tides');
    expect(result.status).toBe('completed');
    expect(dataOf<{ from: string; to: string }>(await runEvents(store, result.runId), 'HandoffRequested').map((h) => `${h.from}→${h.to}`)).toContain('orchestrator→research');
    expect(() => triage.addHandoff({} as never)).toThrow(expect.objectContaining({ path: 'handoffs' }));
  });
});
