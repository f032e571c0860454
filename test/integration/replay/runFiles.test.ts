import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAgent, createWorkflow, DeterministicWorkflow, exportRun, importRuns, parseRunFile, runAt, WorkflowEngine } from '../../../src/index.js';
import { createMemoryStore, expectReplayMatches } from '../../../src/testing/index.js';
import { runEvents } from '../../support/runs.js';

describe('runs as files', () => {
  it('exports a run with its child runs and replays it with verify = match in an empty store', async () => {
    const source = createMemoryStore();
    const run = await new WorkflowEngine({ store: source }).execute(createWorkflow('multi_perspective'), undefined, 'Bridges');
    const text = await exportRun(source, run.runId);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { streamId: string });
    expect(new Set(lines.map((l) => l.streamId)).size).toBe(4);
    const target = createMemoryStore();
    const roots = await importRuns(target, parseRunFile(text));
    expect(roots).toEqual([run.runId]);
    expect(await importRuns(target, parseRunFile(text))).toEqual([run.runId]);
    expect((await runEvents(target, run.runId)).map((e) => e.eventId)).toEqual((await runEvents(source, run.runId)).map((e) => e.eventId));
    const replay = await new WorkflowEngine({ store: target }).replay(run.runId);
    expect(replay.match).toBe(true);
  });

  it('names the line of a broken run file', () => {
    expect(() => parseRunFile('{"eventId":"x"}\nnot json\n', 'run.jsonl')).toThrow(/^run\.jsonl:1: /);
    expect(() => parseRunFile('\nnot json\n', 'run.jsonl')).toThrow(/^run\.jsonl:2: not JSON/);
  });

  it('expectReplayMatches passes for the recorded workflow and reports a changed one with a diff', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aigen-files-'));
    try {
      const store = createMemoryStore();
      const run = await new WorkflowEngine({ store }).execute(createWorkflow('content_generation'), undefined, 'Glaciers');
      const file = join(dir, 'run.jsonl');
      writeFileSync(file, await exportRun(store, run.runId));
      await expect(expectReplayMatches(file, createWorkflow('content_generation'))).resolves.toMatchObject({ match: true });
      const swapped = new DeterministicWorkflow({ agents: [createAgent('research'), createAgent('editor'), createAgent('writer')], name: 'content_generation' });
      await expect(expectReplayMatches(file, swapped)).rejects.toThrow(/diverged at position \d+ \(recorded TaskSent, produced TaskSent\):\n(.|\n)*data\.agentId: recorded "writer", produced "editor"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('time travel: every actor state and context at a position, with nothing executed', async () => {
    const store = createMemoryStore();
    const run = await new WorkflowEngine({ store }).execute(createWorkflow('content_generation'), undefined, 'Glaciers');
    const events = await runEvents(store, run.runId);
    const writerCall = events.find((e) => e.type === 'ModelCalled' && (e.data as { stepId: string }).stepId === '2-writer')!;
    const at = runAt(events, writerCall.streamPosition);
    expect(at.actors.workflow?.state).toBe('writer');
    expect(at.actors.writer).toMatchObject({ machine: 'agent', state: 'working', context: { stepId: '2-writer', attempt: 1 } });
    expect(at.actors.research?.state).toBe('done');
    expect(at.outputs.research).toBeDefined();
    expect(at.outputs.writer).toBeUndefined();
    const end = runAt(events, events.length - 1);
    expect(end.actors.workflow?.state).toBe('completed');
    expect(end.outputs.editor).toBe(run.result);
  });
});

// test/replays holds runs recorded by today's machines; test/replays/v1 runs recorded before the
// statecharts lost the end states they could never reach. Both replay exactly: a replay compares
// events, not the recorded definition.
describe.each(['', 'v1'])('recorded runs under test/replays/%s', (version) => {
  const dir = join(import.meta.dirname, '..', '..', 'replays', version);
  it.each(['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving'])('%s still replays exactly', async (name) => {
    readFileSync(join(dir, `${name}.jsonl`));
    await expectReplayMatches(join(dir, `${name}.jsonl`), createWorkflow(name));
  });
});
