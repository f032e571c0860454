import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import type { RunRow, TraceView } from '../../../src/projections/api.js';
import type { RunStatus } from '../../../src/projections/status.js';
import { aigen, json, jsonLines, lines, oneLineError, sandbox, type Sandbox } from './helpers.js';

// The read commands over one shared store: runs, status, trace, events, workflows, cancel of an
// ended run, id prefixes, unknown runs and stores.
let sb: Sandbox;
let content: RunJson;
let parallel: RunJson;
let failed: RunJson;

beforeAll(async () => {
  sb = sandbox();
  const [a, b, c] = await Promise.all([
    aigen(['run', 'content_generation', 'Generate content about AI', '--json'], { sb }),
    aigen(['run', 'multi_perspective', 'Electric cars', '--json'], { sb }),
    aigen(['run', 'research,writer', 'Volcanoes', '--json', '--max-retries', '0'], { sb, env: { AIGEN_OFFLINE_FAIL: 'research:9' } }),
  ]);
  content = json<RunJson>(a);
  parallel = json<RunJson>(b);
  failed = json<RunJson>(c);
  expect([a.code, b.code, c.code]).toEqual([0, 0, 1]);
});
afterAll(() => sb.cleanup());

describe.concurrent('read commands', () => {
  it('runs --json lists runs newest first with runId, workflow, status, startedAt', async () => {
    const rows = json<RunRow[]>(await aigen(['runs', '--json'], { sb }));
    expect(rows.map((r) => r.runId).sort()).toEqual([content.runId, parallel.runId, failed.runId].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ runId: expect.any(String), workflow: expect.any(String), status: expect.any(String), startedAt: expect.any(String) });
    }
    const started = rows.map((r) => Date.parse(r.startedAt));
    expect([...started].sort((x, y) => y - x)).toEqual(started);
  });

  it('runs filters by --status, --workflow and --limit; --children adds child runs', async () => {
    const [byStatus, byWorkflow, limited, all] = await Promise.all([
      aigen(['runs', '--status', 'failed', '--json'], { sb }),
      aigen(['--json', 'runs', '--workflow', 'multi_perspective'], { sb }),
      aigen(['runs', '--limit', '1', '--json'], { sb }),
      aigen(['runs', '--children', '--json'], { sb }),
    ]);
    expect(json<RunRow[]>(byStatus).map((r) => r.runId)).toEqual([failed.runId]);
    expect(json<RunRow[]>(byWorkflow).map((r) => r.runId)).toEqual([parallel.runId]);
    expect(json<RunRow[]>(limited)).toHaveLength(1);
    expect(json<RunRow[]>(all).filter((r) => r.parentRunId === parallel.runId)).toHaveLength(3);
  });

  it('status accepts a unique prefix and has runId, workflow, status, steps', async () => {
    const [a, b] = await Promise.all([
      aigen(['status', content.runId.slice(0, 8), '--json'], { sb }),
      aigen(['status', parallel.runId.slice(0, 8), '--json'], { sb }),
    ]);
    const st = json<RunStatus>(a);
    expect(st).toMatchObject({ runId: content.runId, workflow: 'content_generation', status: 'completed' });
    expect(st.steps.map((s) => s.agentId)).toEqual(['research', 'writer', 'editor']);
    // A parent's prefix is also a prefix of its child runs' ids; it still means the parent.
    expect(json<RunStatus>(b)).toMatchObject({ runId: parallel.runId, workflow: 'multi_perspective', status: 'completed' });
  });

  it('status --at shows the run as it was at a stream position', async () => {
    const st = json<RunStatus>(await aigen(['status', content.runId, '--at', '0', '--json'], { sb }));
    expect(st).toMatchObject({ runId: content.runId, status: 'running', steps: [] });
  });

  it('status in a terminal-less shell prints a readable summary', async () => {
    const r = await aigen(['status', failed.runId.slice(0, 6)], { sb });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('failed');
    expect(r.stdout).toContain('research');
    expect(r.stdout).not.toContain('\x1b');
  });

  it('a prefix matching several runs is an error (exit 2); a child run resolves as <parent prefix>.<branch prefix>', async () => {
    const ambiguous = await aigen(['status', `${parallel.runId}.`], { sb });
    expect(ambiguous.code).toBe(2);
    expect(oneLineError(ambiguous)).toMatch(/ambiguous/);
    const child = json<RunStatus>(await aigen(['status', `${parallel.runId.slice(0, 8)}.tech`, '--json'], { sb }));
    expect(child.runId).toMatch(new RegExp(`^${parallel.runId}\\.tech`));
    expect(child.parentRunId).toBe(parallel.runId);
  });

  it('trace --json has the tree; trace prints it as a tree', async () => {
    const [asJson, asText] = await Promise.all([
      aigen(['trace', content.runId.slice(0, 8), '--json'], { sb }),
      aigen(['trace', content.runId.slice(0, 8)], { sb }),
    ]);
    const trace = json<TraceView>(asJson);
    expect(trace).toMatchObject({ runId: content.runId, root: { kind: 'run' } });
    expect(trace.root.children.length).toBeGreaterThan(0);
    expect(asText.code).toBe(0);
    expect(asText.stdout).toMatch(/research/);
    expect(asText.stdout).toMatch(/writer/);
    expect(lines(asText.stdout).length).toBeGreaterThan(3);
  });

  it('events --json prints one JSON line per recorded event, in stream order', async () => {
    const r = await aigen(['events', content.runId.slice(0, 8), '--json'], { sb });
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events[0]?.type).toBe('RunStarted');
    expect(events.at(-1)?.type).toBe('RunCompleted');
    events.forEach((e, i) => {
      expect(e).toMatchObject({ globalPosition: expect.any(String), streamPosition: i, type: expect.any(String), data: expect.anything(), metadata: expect.anything() });
    });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['TaskSent', 'ModelResponded', 'StepCompleted', 'Transitioned']));
  });

  it('events without --json prints one readable line per event; --follow on an ended run returns at once', async () => {
    const [plain, followed] = await Promise.all([
      aigen(['events', failed.runId.slice(0, 8)], { sb }),
      aigen(['events', failed.runId.slice(0, 8), '--follow', '--json'], { sb }),
    ]);
    expect(lines(plain.stdout)[0]).toMatch(/^\s*0 .*RunStarted/);
    expect(plain.stdout).toMatch(/RunFailed/);
    expect(followed.code).toBe(0);
    expect(jsonLines(followed.stdout).at(-1)?.type).toBe('RunFailed');
  });

  it('workflows --json lists the built-in workflows', async () => {
    const list = json<Array<{ name: string; kind: string; description: string }>>(await aigen(['workflows', '--json'], { sb }));
    expect(list.map((w) => w.name)).toEqual(
      expect.arrayContaining(['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving']),
    );
    for (const w of list) expect(w).toMatchObject({ name: expect.any(String), description: expect.any(String) });
  });

  it('cancel of a run that already ended changes nothing (exit 2)', async () => {
    const r = await aigen(['cancel', content.runId.slice(0, 8)], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/already ended \(completed\)/);
    expect(json<RunStatus>(await aigen(['status', content.runId, '--json'], { sb })).status).toBe('completed');
  });

  it.each([
    ['status', ['status', 'ffffffff']],
    ['trace', ['trace', 'ffffffff']],
    ['events', ['events', 'ffffffff', '--json']],
    ['cancel', ['cancel', 'ffffffff']],
  ])('%s of an unknown run: one line on stderr, exit 2', async (_name, args) => {
    const r = await aigen(args, { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/unknown run 'ffffffff'/);
    expect(r.stdout).toBe('');
  });

  it('an unknown store scheme is one line on stderr and exit 2', async () => {
    const r = await aigen(['runs', '--json'], { sb, env: { AIGEN_STORE: 'mongo://localhost/x' } });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/unknown store URL scheme 'mongo:'/);
  });

  it('usage errors exit 2', async () => {
    const [unknownCommand, badStatus] = await Promise.all([
      aigen(['frobnicate'], { sb }),
      aigen(['runs', '--status', 'sleeping'], { sb }),
    ]);
    expect(unknownCommand.code).toBe(2);
    expect(badStatus.code).toBe(2);
    expect(oneLineError(badStatus)).toMatch(/sleeping/);
  });
});
