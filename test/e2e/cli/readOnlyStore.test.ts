import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import { BIN, aigen, finished, json, oneLineError, sandbox, waitForLine, type Result, type Sandbox } from './helpers.js';

// chmod does not stop root: as root, the read-only commands run as the unprivileged user
// `nobody`, for whom the file really cannot be written. Either way the process under test cannot
// write the store, so these tests fail where a read command writes into it.
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
let sb: Sandbox;
let base: string;
let tmp: string;

/** `aigen …` as a user who cannot write the store (its temporary files go to `tmp`). */
function reader(args: readonly string[]): Promise<Result> {
  return finished(startReader(args));
}

function startReader(args: readonly string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: base,
    env: { ...sb.env, HOME: base, TMPDIR: tmp },
    stdio: 'pipe',
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  child.stdin.end();
  return child;
}

const copies = () => readdirSync(tmp).filter((f) => f.startsWith('aigen-readonly-'));

/** A store with a finished run and a parallel one, as its owner wrote it. */
async function recordedStore(name: string): Promise<{ dir: string; url: string; runId: string; parallelId: string }> {
  const dir = join(base, name);
  mkdirSync(dir);
  const url = `sqlite:${join(dir, 'aigen.db')}`;
  const one = json<RunJson>(await aigen(['--store', url, 'run', 'writer', 'Read me', '--json'], { sb }));
  const two = json<RunJson>(await aigen(['--store', url, 'run', 'multi_perspective', 'Read us', '--json'], { sb }));
  expect([one.status, two.status]).toEqual(['completed', 'completed']);
  return { dir, url, runId: one.runId, parallelId: two.runId };
}

const reads = (runId: string, parallelId: string) => [
  ['runs', '--json'],
  ['status', runId.slice(0, 8), '--json'],
  ['trace', parallelId, '--json'],
  ['events', runId, '--json'],
  ['export', parallelId],
  ['replay', runId, '--json'],
];

beforeAll(() => {
  sb = sandbox();
  base = mkdtempSync(join(tmpdir(), 'aigen-ro-'));
  tmp = join(base, 'tmp');
  mkdirSync(tmp);
  chmodSync(base, 0o755);
  chmodSync(tmp, 0o777);
});
afterAll(() => {
  chmodSync(base, 0o755);
  for (const d of readdirSync(base)) chmodSync(join(base, d), 0o755);
  rmSync(base, { recursive: true, force: true });
  sb.cleanup();
});

describe('a read-only SQLite store', () => {
  it.each([
    ['a read-only file in a read-only directory', 0o555],
    ['a read-only file in a directory others may write', 0o777],
  ])('%s: every read command works, prints what it printed while writable, and leaves nothing behind', async (_, dirMode) => {
    const { dir, url, runId, parallelId } = await recordedStore(`store-${dirMode.toString(8)}`);
    const expected: string[] = [];
    for (const args of reads(runId, parallelId)) {
      const r = await aigen(['--store', url, ...args], { sb });
      expect(r.code, r.stderr).toBe(0);
      expected.push(r.stdout);
    }
    const files = readdirSync(dir).filter((f) => f === 'aigen.db');
    chmodSync(join(dir, 'aigen.db'), 0o444);
    chmodSync(dir, dirMode);
    for (const [i, args] of reads(runId, parallelId).entries()) {
      const r = await reader(['--store', url, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe('');
      if (args[0] === 'runs') {
        // Relative ages aside, the same rows.
        const strip = (text: string) => (JSON.parse(text) as Array<Record<string, unknown>>).map(({ runId: id, status, workflow }) => ({ id, status, workflow }));
        expect(strip(r.stdout)).toEqual(strip(expected[i]!));
      } else expect(r.stdout).toBe(expected[i]);
    }
    // Following reads the copy too, and says that later events will not show.
    const followed = await reader(['--store', url, 'events', runId, '--follow', '--json']);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toBe(expected[3]);
    expect(oneLineError(followed)).toBe(`aigen: ${join(dir, 'aigen.db')} is read-only for this user: following a copy taken just now, so events recorded after it do not appear`);
    expect(readdirSync(dir)).toEqual(files);
    // (tsx keeps its compile cache there too.)
    expect(readdirSync(tmp).filter((f) => f.startsWith('aigen-'))).toEqual([]);
  });

  it('a reader killed with SIGKILL leaves its copy, which the next reader removes', async () => {
    const { dir, url } = await recordedStore('killed');
    chmodSync(join(dir, 'aigen.db'), 0o444);
    chmodSync(dir, 0o555);
    const tail = startReader(['--store', url, 'tail', '--from', 'start', '--json']);
    const done = finished(tail);
    await waitForLine(tail.stderr, /following a copy/);
    expect(copies()).toHaveLength(1);
    tail.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    expect(copies()).toHaveLength(1);
    const r = await reader(['--store', url, 'runs', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(copies()).toEqual([]);
  });

  it('commands that record events refuse it with exit 2, naming the file', async () => {
    const { dir, url, runId } = await recordedStore('refuse');
    chmodSync(join(dir, 'aigen.db'), 0o444);
    chmodSync(dir, 0o555);
    for (const args of [['run', 'writer', 'Write me'], ['resume', runId], ['fork', runId, '--at', '1'], ['cancel', runId]]) {
      const r = await reader(['--store', url, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(oneLineError(r)).toMatch(new RegExp(`^aigen: the sqlite store ${join(dir, 'aigen.db').replace(/[.]/g, '\\.')} is read-only for this user`));
    }
  });
});
