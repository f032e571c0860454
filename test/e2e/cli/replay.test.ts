import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox;
let runId: string;

beforeAll(async () => {
  sb = sandbox();
  const r = await aigen(['run', 'content_generation', 'Generate content about AI', '--json'], { sb });
  runId = json<{ runId: string }>(r).runId;
}, 60_000);
afterAll(() => sb.cleanup());

describe('aigen replay, fork, export, import', () => {
  it('replay --json reports a match with the number of reproduced events, exit 0', async () => {
    const r = await aigen(['replay', runId.slice(0, 8), '--verify', '--json'], { sb });
    expect(r.code).toBe(0);
    const out = json<{ match: boolean; matchedEvents: number }>(r);
    expect(out.match).toBe(true);
    expect(out.matchedEvents).toBeGreaterThan(10);
  });

  it('replay against changed workflow code reports the divergence, exit 1', async () => {
    const file = join(sb.dir, 'swapped.yaml');
    writeFileSync(file, 'name: content_generation\nkind: sequential\nagents: [research, editor, writer]\n');
    const r = await aigen(['replay', runId, '--workflow', file, '--json'], { sb });
    expect(r.code).toBe(1);
    const out = json<{ match: boolean; divergence: { position: number; diff: string[] } }>(r);
    expect(out.match).toBe(false);
    expect(out.divergence.diff.join('\n')).toContain('data.agentId: recorded "writer", produced "editor"');
  });

  it('replay --at P prints every actor state at P', async () => {
    const r = await aigen(['replay', runId, '--at', '3', '--json'], { sb });
    expect(r.code).toBe(0);
    const at = json<{ position: number; actors: Record<string, { state: unknown }> }>(r);
    expect(at.position).toBe(3);
    expect(at.actors.workflow?.state).toBe('research');
  });

  it('export, import into an empty store and replay --file', async () => {
    const exported = await aigen(['export', runId], { sb });
    expect(exported.code).toBe(0);
    const file = join(sb.dir, 'run.jsonl');
    writeFileSync(file, exported.stdout);
    const other = sandbox();
    try {
      const imported = await aigen(['import', file, '--json'], { sb: other });
      expect(json<{ runIds: string[] }>(imported).runIds).toEqual([runId]);
      const replayed = await aigen(['replay', runId, '--json'], { sb: other });
      expect(json<{ match: boolean }>(replayed).match).toBe(true);
      const fromFile = await aigen(['replay', '--file', file, '--workflow', 'content_generation', '--json'], { sb: other });
      expect(json<{ match: boolean }>(fromFile).match).toBe(true);
    } finally {
      other.cleanup();
    }
  });

  it('fork --at P --set starts a new run with forkOf, exit 0', async () => {
    const r = await aigen(['fork', runId, '--at', '5', '--set', 'editor.instructions=Edit tersely.', '--json'], { sb });
    expect(r.code).toBe(0);
    const out = json<{ runId: string; forkOf: { runId: string; position: number }; status: string }>(r);
    expect(out).toMatchObject({ forkOf: { runId, position: 5 }, status: 'completed' });
    const status = await aigen(['status', out.runId, '--json'], { sb });
    expect(json<{ forkOf: unknown }>(status).forkOf).toEqual({ runId, position: 5 });
  });

  it('resume refuses a finished run with one line and exit 2; bad --set is exit 2', async () => {
    const r = await aigen(['resume', runId], { sb });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('already ended');
    const bad = await aigen(['fork', runId, '--at', '1', '--set', 'nonsense'], { sb });
    expect(bad.code).toBe(2);
  });

  it('resume --all with nothing left running says so, exit 0', async () => {
    const r = await aigen(['resume', '--all', '--json'], { sb });
    expect(r.code).toBe(0);
    expect(json<unknown[]>(r)).toEqual([]);
  });
});
