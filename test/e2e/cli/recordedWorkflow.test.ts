import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { aigen, finished, json, oneLineError, REPO, runStartedWith, sandbox, start, storedEvents, type Sandbox } from './helpers.js';

// Runs started from an agent list or a workflow file record what they were built from, so fork,
// replay and resume rebuild them without being told the workflow again.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

const eventsOf = (runId: string) => storedEvents(sb, runId);

const stepIds = (events: RecordedEvent[]) => events.filter((e) => e.type === 'StepCompleted').map((e) => (e.data as { stepId: string }).stepId);

async function runJson(args: string[]): Promise<{ runId: string; status: string; result: string }> {
  const r = await aigen([...args, '--json'], { sb });
  expect(r.code, r.stderr).toBe(0);
  return json(r);
}

/** Start `aigen run <spec> <input>` with slow model calls, SIGKILL it once its first step is recorded. */
async function killedAfterFirstStep(spec: string, input: string): Promise<string> {
  const run = start(['run', spec, input], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1500' } });
  const ran = finished(run);
  const runId = await runStartedWith(sb.store, input, 120_000);
  while (stepIds(await eventsOf(runId)).length === 0) await new Promise((r) => setTimeout(r, 100));
  run.kill('SIGKILL');
  await ran;
  return runId;
}

/** A copy of examples/workflows/nested.yaml (and the file it includes) that the test can delete. */
function nestedCopy(name: string): string {
  const dir = join(sb.dir, name);
  mkdirSync(join(dir, 'parts'), { recursive: true });
  copyFileSync(join(REPO, 'examples/workflows/nested.yaml'), join(dir, 'nested.yaml'));
  copyFileSync(join(REPO, 'examples/workflows/parts/polish.yaml'), join(dir, 'parts', 'polish.yaml'));
  return join(dir, 'nested.yaml');
}

describe('a run started from an agent list', () => {
  it('forks without --workflow, with changed instructions', async () => {
    const source = await runJson(['run', 'research,writer', 'Tidal power in Brittany']);
    const events = await eventsOf(source.runId);
    expect((events[0]!.data as { workflow: { source?: unknown } }).workflow.source).toEqual({ agents: ['research', 'writer'] });
    const research = events.find((e) => e.type === 'StepCompleted')!;
    const fork = await runJson(['fork', source.runId, '--at', String(research.streamPosition), '--set', 'writer.instructions=Write tersely: at most two sentences.']);
    expect(fork.status).toBe('completed');
    expect(fork.result.length).toBeLessThan(source.result.length);
    expect(stepIds(await eventsOf(fork.runId))).toEqual(['1-research', '2-writer']);
  });

  it('replays without --workflow', async () => {
    const source = await runJson(['run', 'research,writer', 'Replay an agent list']);
    const r = await aigen(['replay', source.runId, '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ match: boolean }>(r).match).toBe(true);
  });

  it('resumes after SIGKILL without --workflow; no step runs twice', async () => {
    const runId = await killedAfterFirstStep('research,writer', 'Killed agent list');
    const r = await aigen(['resume', runId, '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ status: string }>(r).status).toBe('completed');
    expect(stepIds(await eventsOf(runId))).toEqual(['1-research', '2-writer']);
  });
});

describe('a run started from a workflow file', () => {
  it('replays and forks after the file is gone: the run recorded its text', async () => {
    const file = nestedCopy('replay-fork');
    const source = await runJson(['run', file, 'Explain how vaccines train the immune system']);
    rmSync(join(sb.dir, 'replay-fork'), { recursive: true });
    const replay = await aigen(['replay', source.runId, '--json'], { sb });
    expect(replay.code, replay.stderr).toBe(0);
    expect(json<{ match: boolean }>(replay).match).toBe(true);
    const fork = await runJson(['fork', source.runId, '--at', '3']);
    expect(fork.status).toBe('completed');
    expect(fork.result).toBe(source.result);
  });

  it('resumes after SIGKILL without --workflow, even if the file changed meanwhile', async () => {
    const file = nestedCopy('resume');
    const runId = await killedAfterFirstStep(file, 'Killed file run about vaccines');
    writeFileSync(file, 'name: changed\nkind: sequential\nagents: [editor]\n');
    const r = await aigen(['resume', runId, '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ status: string }>(r).status).toBe('completed');
    const steps = stepIds(await eventsOf(runId));
    expect(steps[0]).toBe('1-scout');
    expect(new Set(steps).size).toBe(steps.length);
  });
});

describe('a run of a workflow registered by a project file', () => {
  it('says --workflow is needed when the project is not loaded, and works with it', async () => {
    const dir = join(sb.dir, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'pair.yaml'), 'name: pair\nkind: sequential\nagents: [writer, editor]\n');
    writeFileSync(join(dir, 'pair.config.mjs'), "export default { workflows: { pair: './pair.yaml' } };\n");
    const source = await runJson(['run', 'pair', 'Registered elsewhere', '--config', join(dir, 'pair.config.mjs')]);
    const without = await aigen(['fork', source.runId, '--at', '2'], { sb });
    expect(without.code).toBe(2);
    expect(oneLineError(without)).toBe(
      `aigen: run ${source.runId} ran workflow 'pair', which is not registered here (registered: content_generation, dynamic_content, content_router, multi_perspective, self_improving, refund_desk) and was not recorded with the run; give the workflow it ran with --workflow <name|path>`,
    );
    const fork = await runJson(['fork', source.runId, '--at', '2', '--workflow', join(dir, 'pair.yaml')]);
    expect(fork.status).toBe('completed');
  });
});

// Last: the store exists by now (an unknown store is another error).
describe('an unknown run id', () => {
  it.each([['status'], ['events'], ['trace'], ['replay'], ['resume'], ['fork', '--at', '1']])('`aigen %s` of it points to `aigen runs`', async (command, ...rest) => {
    const r = await aigen([command, 'deadbeef-0000', ...rest], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe("aigen: unknown run 'deadbeef-0000'; `aigen runs` lists the runs of this store");
  });
});
