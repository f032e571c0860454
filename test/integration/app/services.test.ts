import { describe, expect, it } from 'vitest';
import { cancelRun, resolveRunId, resolveWorkflow, startFork, startRun, UnknownWorkflowError } from '../../../src/app/index.js';
import { createAgent, defaultCatalog, DeterministicWorkflow, openProjections, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore, delay, say, ScriptedModel } from '../../../src/testing/index.js';
import { dataOf, runEvents, typesOf } from '../../support/runs.js';

const slowWorkflow = () => new DeterministicWorkflow({ agents: [createAgent('research')], name: 'slow' });

describe('application services', () => {
  it('a run cancelled by another writer (RunCancelled appended to its stream) ends cancelled in the engine that runs it', async () => {
    const store = createMemoryStore();
    const slow = new ScriptedModel([delay(60_000, say('never'))]);
    const engine = new WorkflowEngine({ store, modelResolver: () => slow });
    const runId = await startRun(engine, { workflow: slowWorkflow(), input: 'x' });
    while (slow.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    // No engine given: the stream is fenced, as `aigen cancel` does from another process.
    const outcome = await cancelRun(store, runId, 'stopped elsewhere', { requestedBy: 'test' });
    expect(outcome).toMatchObject({ runId, outcome: 'cancelled', previousStatus: 'running' });
    const result = await engine.wait(runId);
    expect(result).toMatchObject({ status: 'cancelled', error: { code: 'RUN_CANCELLED', message: 'stopped elsewhere' } });
    expect(slow.requests[0]!.signal?.aborted).toBe(true);
    const events = await runEvents(store, runId);
    expect(typesOf(events).filter((t) => t.startsWith('Run') && t !== 'RunStarted')).toEqual(['RunCancelled']);
    expect(events.at(-1)?.metadata.tags).toMatchObject({ requestedBy: 'test' });
    expect((await engine.getWorkflowStatus(runId)).status).toBe('cancelled');
    expect((await cancelRun(store, runId, 'again')).outcome).toBe('ended');
  });

  it('cancelRun with the engine that runs the run cancels it there; a finished run is left as it is', async () => {
    const store = createMemoryStore();
    const slow = new ScriptedModel([delay(60_000, say('never'))]);
    const engine = new WorkflowEngine({ store, modelResolver: () => slow });
    const runId = await startRun(engine, { workflow: slowWorkflow(), input: 'x' });
    while (slow.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect((await cancelRun(store, runId, 'stop here', { engine })).outcome).toBe('cancelled');
    expect(dataOf(await runEvents(store, runId), 'RunCancelled')).toMatchObject([{ reason: 'stop here' }]);
    expect(await cancelRun(store, runId, 'again', { engine })).toMatchObject({ outcome: 'ended', previousStatus: 'cancelled' });
  });

  it('resolves workflow specs: names, one agent type, agent lists; files only when allowed', () => {
    expect(resolveWorkflow(defaultCatalog, 'content_generation').name).toBe('content_generation');
    expect(resolveWorkflow(defaultCatalog, 'research').agents().map((a) => a.agentId)).toEqual(['research']);
    expect(resolveWorkflow(defaultCatalog, 'research, writer').agents().map((a) => a.agentId)).toEqual(['research', 'writer']);
    const refused = (() => {
      try {
        resolveWorkflow(defaultCatalog, 'examples/workflows/sequential.yaml', { files: false, path: 'body.workflow' });
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(UnknownWorkflowError);
    expect(refused).toMatchObject({ code: 'UNKNOWN_WORKFLOW', path: 'body.workflow' });
    expect(() => resolveWorkflow(defaultCatalog, 'no_such_workflow')).toThrow(/unknown workflow 'no_such_workflow'/);
  });

  it('resolves run-id prefixes and forks at a checked position', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store });
    const runId = await startRun(engine, { workflow: 'content_generation', input: 'Tides', runId: 'abcdef00-run' });
    await engine.wait(runId);
    const projections = await openProjections('memory:', store);
    try {
      await projections.catchUp();
      expect(await resolveRunId(store, projections, 'abcdef00-run')).toBe(runId);
      expect(await resolveRunId(store, projections, 'abcd')).toBe(runId);
      await expect(resolveRunId(store, projections, 'ffff')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(resolveRunId(store, projections, ' ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', path: 'runId' });
    } finally {
      await projections.close();
    }
    await expect(startFork(engine, runId, { at: 9999 }, 'body.at')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', path: 'body.at' });
    const forkId = await startFork(engine, runId, { at: 3 });
    expect((await engine.wait(forkId)).status).toBe('completed');
    expect((await engine.getWorkflowStatus(forkId)).forkOf).toEqual({ runId, position: 3 });
  });
});
