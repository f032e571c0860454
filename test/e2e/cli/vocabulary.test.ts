import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, finished, json, REPO, sandbox, type Sandbox } from './helpers.js';

// One name for one thing across commands, and docs whose commands and snippets work as written.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

describe('the final content of a run', () => {
  it('is `result` in `run --json` and in `status --json`', async () => {
    const run = json<{ runId: string; result: string }>(await aigen(['run', 'research,writer', 'Glaciers', '--json'], { sb }));
    const status = json<Record<string, unknown>>(await aigen(['status', run.runId, '--json'], { sb }));
    expect(status.result).toBe(run.result);
    expect(status).not.toHaveProperty('output');
  });
});

describe('replay --verify', () => {
  it('is described as what it is: accepted, changing nothing, since every replay verifies', async () => {
    const help = (await aigen(['replay', '--help'], { sb })).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--verify accepted and changes nothing: every replay compares each produced event with the recorded one');
    expect(help).not.toMatch(/--verify[^-]*default: true/);
    const { runId } = json<{ runId: string }>(await aigen(['run', 'writer', 'Fjords', '--json'], { sb }));
    const [withFlag, without] = await Promise.all([aigen(['replay', runId, '--verify', '--json'], { sb }), aigen(['replay', runId, '--json'], { sb })]);
    expect(json(withFlag)).toEqual(json(without));
    expect(json<{ match: boolean }>(without).match).toBe(true);
  });
});

describe('README', () => {
  it('writes run ids in commands as the placeholder <runId>, never as a made-up id', () => {
    const commands = blocks(readme, 'sh').flatMap((b) => b.split('\n')).filter((l) => l.startsWith('node bin/aigen.js'));
    expect(commands.filter((l) => l.includes('<runId>')).length).toBeGreaterThanOrEqual(8);
    for (const line of commands) expect(line.split('#')[0]).not.toMatch(/\b[0-9a-f]{8}\b/);
  });

  it("shows engine.start, watch, wait, cancel and the trace export, copied from examples/background.ts, which runs", async () => {
    const snippet = blocks(readme, 'ts').find((b) => b.includes('engine.start('));
    expect(snippet).toBeDefined();
    for (const call of ['engine.start(', 'engine.watch(', 'engine.wait(', 'engine.cancel(', 'startTraceExport(']) expect(snippet).toContain(call);
    const example = readFileSync(join(REPO, 'examples', 'background.ts'), 'utf8').replace("from '../src/index.js'", "from 'aigen'");
    for (const line of snippet!.split('\n').filter((l) => l.trim())) expect(example).toContain(line);
    const child = spawn(join(REPO, 'node_modules', '.bin', 'tsx'), [join(REPO, 'examples', 'background.ts')], { cwd: sb.dir, env: sb.env, stdio: 'pipe' });
    child.stdin.end();
    const r = await finished(child);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('RunStarted running');
    expect(r.stdout).toContain('RunCompleted completed');
    expect(r.stdout).toMatch(/^completed # /m);
    expect(lines.at(-1)).toBe('cancelled');
  });
});
