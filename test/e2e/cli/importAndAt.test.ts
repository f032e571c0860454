import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import type { RunStatus } from '../../../src/projections/status.js';
import { aigen, json, lines, oneLineError, sandbox, type Sandbox } from './helpers.js';

let sb: Sandbox;
let runId: string;
let exported: string;
beforeAll(async () => {
  sb = sandbox();
  const r = await aigen(['run', 'research,writer', 'Import me', '--json'], { sb });
  runId = json<RunJson>(r).runId;
  exported = (await aigen(['export', runId], { sb })).stdout;
}, 120_000);
afterAll(() => sb.cleanup());

describe('import', { timeout: 180_000 }, () => {
  it('an interrupted import is finished by importing the whole file again; a clashing file changes nothing', async () => {
    const target = { ...sb, store: `sqlite:${join(sb.dir, 'target.db')}`, env: { ...sb.env, AIGEN_STORE: `sqlite:${join(sb.dir, 'target.db')}` } };
    const all = lines(exported);
    expect(all.length).toBeGreaterThan(10);
    writeFileSync(join(sb.dir, 'part.jsonl'), `${all.slice(0, 5).join('\n')}\n`);
    writeFileSync(join(sb.dir, 'whole.jsonl'), exported);
    expect((await aigen(['import', 'part.jsonl'], { sb: target })).code).toBe(0);
    const finished = await aigen(['import', 'whole.jsonl'], { sb: target });
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout.trim()).toBe(runId);
    expect(json<RunStatus>(await aigen(['status', runId, '--json'], { sb: target })).status).toBe('completed');

    // Same ids, other data: refused, and the store is as it was.
    const changed = all.findIndex((l) => l.includes('Import me'));
    expect(changed).toBeGreaterThanOrEqual(0);
    const forged = all.map((l, i) => (i === changed ? l.replace('Import me', 'Forged') : l));
    writeFileSync(join(sb.dir, 'forged.jsonl'), `${forged.join('\n')}\n`);
    const before = (await aigen(['export', runId], { sb: target })).stdout;
    const refused = await aigen(['import', 'forged.jsonl'], { sb: target });
    expect(refused.code).toBe(2);
    expect(oneLineError(refused)).toMatch(new RegExp(`run-${runId}@${changed}: the store already holds .* other content; nothing was imported`));
    expect((await aigen(['export', runId], { sb: target })).stdout).toBe(before);
  });

  it('a missing file is a usage error (exit 2)', async () => {
    const r = await aigen(['import', '/missing/run.jsonl'], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe('aigen: cannot read /missing/run.jsonl: no such file');
  });
});

describe('--at', { timeout: 180_000 }, () => {
  it.each([
    ['status', '-1'],
    ['trace', '1.5'],
    ['replay', '0x2'],
    ['status', '1e1'],
  ])('%s --at %s is refused (exit 2)', async (command, at) => {
    const r = await aigen([command, runId, `--at=${at}`], { sb });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toMatch(/expected a whole number >= 0/);
  });

  it.each(['status', 'trace', 'replay'])('%s --at past the last position is refused (exit 2)', async (command) => {
    const r = await aigen([command, runId, '--at', '9999'], { sb });
    expect(r.code, r.stderr).toBe(2);
    expect(oneLineError(r)).toMatch(new RegExp(`--at 9999 is past the end of run ${runId}: its last position is \\d+`));
  });
});
