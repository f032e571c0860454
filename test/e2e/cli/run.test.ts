import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import type { RunStatus } from '../../../src/projections/status.js';
import { aigen, json, oneLineError, REPO, sandbox, type Sandbox } from './helpers.js';

// `aigen run` and `aigen validate` through the real binary: JSON shape, exit codes 0/1/2, stdin.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe.concurrent('aigen run', () => {
  it('runs the main job and prints exactly one JSON object with --json (exit 0)', async () => {
    const r = await aigen(['run', 'content_generation', 'Generate content about AI', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    const out = json<RunJson>(r);
    expect(Object.keys(out).sort()).toEqual(['activeMs', 'durationMs', 'error', 'partial', 'result', 'runId', 'status', 'usage', 'workflow']);
    expect(out).toMatchObject({ workflow: 'content_generation', status: 'completed', partial: false, error: null });
    expect(out.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof out.result).toBe('string');
    expect(String(out.result).length).toBeGreaterThan(100);
    expect(out.usage.totalTokens).toBeGreaterThan(0);
    expect(out.durationMs).toBeGreaterThanOrEqual(0);
    expect(r.stderr).toBe('');
  });

  it('reads the input from stdin, runs comma-separated agent types, and prints the result on stdout', async () => {
    const r = await aigen(['run', 'research,writer'], { sb, input: 'Write about tides\n' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tides/i);
    // Nothing animates without a TTY: no escape sequences, progress as plain lines on stderr.
    expect(r.stderr).not.toContain('\x1b');
    const runId = /run ([0-9a-f-]{36})/.exec(r.stderr)?.[1];
    expect(runId).toBeDefined();
    expect(r.stderr).toContain('✓ completed');
    expect(r.stderr).toContain(`aigen status ${runId!.slice(0, 8)}`);
    const st = json<RunStatus>(await aigen(['status', runId!, '--json'], { sb }));
    expect(st).toMatchObject({ runId, workflow: 'research_writer', status: 'completed', input: 'Write about tides' });
  });

  it('runs a workflow file', async () => {
    const file = join(sb.dir, 'pair.yaml');
    writeFileSync(file, 'name: pair\nkind: sequential\nagents: [writer, editor]\n');
    const r = await aigen(['run', file, 'Short note on rivers', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(json<RunJson>(r)).toMatchObject({ workflow: 'pair', status: 'completed' });
  });

  it('exits 1 with status failed when the run fails', async () => {
    const r = await aigen(['run', 'content_generation', 'About AI', '--json', '--max-retries', '0'], {
      sb,
      env: { AIGEN_OFFLINE_FAIL: 'research:5' },
    });
    expect(r.code, r.stderr).toBe(1);
    const out = json<RunJson>(r);
    expect(out.status).toBe('failed');
    expect(out.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it('exits 0 with status partial when a later step fails', async () => {
    const r = await aigen(['run', 'content_generation', 'About AI', '--json', '--max-retries', '0'], {
      sb,
      env: { AIGEN_OFFLINE_FAIL: 'editor:5' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(json<RunJson>(r)).toMatchObject({ status: 'partial', partial: true, result: expect.any(String) });
  });

  it.each([
    ['an unknown workflow', ['run', 'no_such_workflow', 'x'], /unknown workflow or agent type 'no_such_workflow'/],
    ['an unknown agent type', ['run', 'research,wrtier', 'x'], /wrtier/],
    ['a missing workflow file', ['run', 'missing.yaml', 'x'], /missing\.yaml:1:1/],
    ['an empty input', ['run', 'content_generation', ''], /input is empty/],
    ['no input at all', ['run', 'content_generation'], /input is empty/],
    ['a bad --max-retries', ['run', 'content_generation', 'x', '--max-retries', 'many'], /--max-retries/],
    ['a real model without a key', ['run', 'content_generation', 'x', '--model', 'gpt-4o-mini'], /OPENAI_API_KEY/],
  ])('exits 2 with one line on stderr for %s', async (_name, args, message) => {
    const r = await aigen(args, { sb });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('prints a stack trace only at --log-level debug', async () => {
    const r = await aigen(['--log-level', 'debug', 'run', 'no_such_workflow', 'x'], { sb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe.concurrent('aigen validate', () => {
  it('exits 0 for a valid file (and for every shipped example)', async () => {
    const r = await aigen(['validate', join(REPO, 'examples/workflows/sequential.yaml'), '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ valid: boolean; kind: string }>(r)).toMatchObject({ valid: true, kind: 'sequential' });
  });

  it('exits 2 with the located error for a bad file', async () => {
    const file = join(sb.dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nkind: sequential\nagents:\n  - type: wirter\n');
    const r = await aigen(['validate', file], { sb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:4:\d+: .*wirter.*writer/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('aigen validate on every malformed fixture', () => {
  it('gives a located error (file:line:column) and exit 2 for each of them', async () => {
    const dir = join(REPO, 'test/fixtures/workflows/bad');
    const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(20);
    const results: Array<[string, Awaited<ReturnType<typeof aigen>>]> = [];
    for (let i = 0; i < files.length; i += 6) {
      const batch = files.slice(i, i + 6);
      results.push(...(await Promise.all(batch.map(async (f) => [f, await aigen(['validate', join(dir, f)], { sb })] as [string, Awaited<ReturnType<typeof aigen>>]))));
    }
    for (const [file, r] of results) {
      expect(r.code, `${file}: ${r.stderr}`).toBe(2);
      // Located in the file itself, or in the file it includes.
      expect(r.stderr, file).toMatch(/\.(ya?ml|json):\d+:\d+: /);
      expect(r.stderr, file).not.toMatch(/\n\s+at /);
    }
  }, 600_000);
});
