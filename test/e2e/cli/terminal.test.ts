import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import { aigen, json, sandbox, type Sandbox } from './helpers.js';

// Inputs and model output may carry terminal control sequences (set the window title, clear the
// screen, ring the bell); text output shows them as symbols, `--json` keeps them as recorded.
const EVIL = 'Evil \x1b]0;pwned\x07 topic \x1b[2J\x9b2J end';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
let sb: Sandbox;
let runId: string;
beforeAll(async () => {
  sb = sandbox();
  const r = await aigen(['run', 'writer', EVIL, '--json'], { sb });
  runId = json<RunJson>(r).runId;
  expect(JSON.stringify(json<RunJson>(r).result)).toContain('\\u001b');
}, 120_000);
afterAll(() => sb.cleanup());

describe('terminal safety', { timeout: 120_000 }, () => {
  it.each([['runs'], ['status', 'RUN'], ['events', 'RUN'], ['trace', 'RUN']])('%s prints no control characters', async (...args) => {
    const r = await aigen(args.map((a) => (a === 'RUN' ? runId : a)), { sb });
    expect(r.code, r.stderr).toBe(0);
    if (args[0] !== 'trace') expect(r.stdout).toContain('␛');
    expect(r.stdout).not.toMatch(CONTROL);
  });

  it('--json keeps the recorded text', async () => {
    const r = await aigen(['status', runId, '--json'], { sb });
    expect((JSON.parse(r.stdout) as { input: string }).input).toBe(EVIL);
  });
});
