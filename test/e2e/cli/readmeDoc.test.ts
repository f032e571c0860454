import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, REPO, sandbox, waitForLine, type Result, type Sandbox } from './helpers.js';

/**
 * The README, top to bottom, as a new user follows it: every shell command of its `sh` blocks
 * runs in order in a fresh directory (with the checkout's `bin/` and `examples/`), on the store
 * it defaults to, and every output the README shows is what the command before it printed. Only
 * what needs what a test does not have is left out: `npm test` itself, a real model's key.
 */

interface Block {
  lang: string;
  text: string;
  /** The `##` section it is in. */
  section: string;
}

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

function blocks(): Block[] {
  const out: Block[] = [];
  let section = '';
  const re = /^## (.+)$|^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(readme); m; m = re.exec(readme)) {
    if (m[1] !== undefined) section = m[1];
    else out.push({ lang: m[2] ?? '', text: m[3] ?? '', section });
  }
  return out;
}

/** A README line without its comment. */
const command = (line: string) => line.replace(/\s+#\s.*$/, '').trim();
/** What a test cannot do: the test command itself, linking, a real model's key. */
const skipped = (cmd: string) => cmd === '' || cmd.startsWith('#') || cmd === 'npm test' || cmd.startsWith('npx vitest') || cmd.startsWith('export ') || cmd.startsWith('npm link') || /--model gpt-/.test(cmd);

/** A shown output line as a pattern: run ids and durations vary, everything else (token counts too) must match. */
function shownLine(line: string): RegExp {
  const escaped = line.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = escaped
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '[0-9a-f-]{36}')
    .replace(/\b[0-9a-f]{8}\b/g, '[0-9a-f]{8}')
    .replace(/\d+(?:\\\.\d+)?(ms|s)\b/g, '[\\d.]+m?s');
  // The CLI adds `--store …` to its hints when the store is not the default; here it is.
  return new RegExp(`^${pattern}$`);
}

let sb: Sandbox;
let env: NodeJS.ProcessEnv;
/** Workers the README starts with `&`. */
const background: ChildProcessWithoutNullStreams[] = [];
/** Every long-running process, killed at the end whatever happened. */
const spawned: ChildProcessWithoutNullStreams[] = [];

beforeAll(() => {
  sb = sandbox();
  // The user's own directory: the checkout's command and examples, the default store.
  symlinkSync(join(REPO, 'bin'), join(sb.dir, 'bin'));
  symlinkSync(join(REPO, 'examples'), join(sb.dir, 'examples'));
  env = { ...sb.env };
  delete env.AIGEN_STORE;
});
afterAll(() => {
  for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
  sb.cleanup();
});

function shell(cmd: string, extra: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const child = spawn('sh', ['-c', cmd], { cwd: sb.dir, env: { ...env, ...extra }, stdio: 'pipe' });
  child.stdin.end();
  spawned.push(child);
  return child;
}

/** The run a command started: `--detach` prints its id alone, a run in the foreground says `run <id>`. */
const startedRun = (r: Result) => /^([0-9a-f]{8}-[0-9a-f-]{27})$/m.exec(r.stdout)?.[1] ?? /\brun ([0-9a-f]{8}-[0-9a-f-]{27})/.exec(r.stderr)?.[1];

/** A run's lifecycle status, read as a user would. */
async function statusOf(runId: string): Promise<string> {
  const r = await finished(shell(`node bin/aigen.js status ${runId} --json`));
  return (JSON.parse(r.stdout) as { status: string }).status;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the README, top to bottom', () => {
  it('every command it shows runs as it says, and every output it shows is what the command printed', async () => {
    const all = blocks();
    let firstRun: string | undefined;
    let sectionRun: { section: string; runId: string } | undefined;
    let last: { cmd: string; result: Result } | undefined;
    const ran: string[] = [];

    for (const block of all) {
      if (block.lang === '') {
        // Output the README shows: the lines of the command before it, in order.
        expect(last, `output block with no command before it:\n${block.text}`).toBeDefined();
        const printed = `${last!.result.stdout}\n${last!.result.stderr}`.split('\n').map((l) => l.trim());
        let at = 0;
        for (const line of block.text.split('\n').filter((l) => l.trim() !== '')) {
          const pattern = shownLine(line);
          const found = printed.findIndex((p, i) => i >= at && pattern.test(p));
          expect(found, `README shows "${line}" after \`${last!.cmd}\`; it printed:\n${printed.join('\n')}`).toBeGreaterThanOrEqual(0);
          at = found + 1;
        }
        continue;
      }
      if (block.lang !== 'sh') continue;
      const lines = block.text.split('\n');
      if (lines.some((l) => /# terminal 1/.test(l))) {
        await followTailCancel(lines.map(command));
        ran.push('follow, tail and cancel');
        continue;
      }
      for (const raw of lines) {
        let cmd = command(raw);
        if (skipped(cmd)) continue;
        if (cmd.startsWith('npm install && ')) cmd = cmd.slice('npm install && '.length);
        // `<runId>`: the run this section started (with `run`), else the README's first run.
        const runId = sectionRun?.section === block.section ? sectionRun.runId : firstRun;
        if (cmd.includes('<runId>')) {
          expect(runId, `no run for ${cmd}`).toBeDefined();
          cmd = cmd.replaceAll('<runId>', runId!);
        }
        if (cmd.endsWith('&')) {
          // A worker in the background, as `cmd &` starts it; stopped by its pid at the end.
          const child = shell(`exec ${cmd.slice(0, -1).trim()}`);
          background.push(child);
          await waitForLine(child.stdout, /worker started/);
          continue;
        }
        if (/ serve\b/.test(cmd)) {
          const child = shell(`exec ${cmd} --port 0`);
          const url = (await waitForLine(child.stdout, /http:\/\/127\.0\.0\.1:\d+/))[0];
          expect((await fetch(`${url}/api/runs`)).status).toBe(200);
          child.kill('SIGTERM');
          expect((await finished(child)).code).toBe(0);
          continue;
        }
        const result = await finished(shell(cmd));
        expect(result.code, `\`${cmd}\` exited ${result.code}:\n${result.stderr}`).toBe(0);
        last = { cmd, result };
        ran.push(cmd);
        const started = / run /.test(` ${cmd} `) ? startedRun(result) : undefined;
        if (started) {
          firstRun ??= started;
          sectionRun = { section: block.section, runId: started };
          // A detached run: wait, as the README's reader does, until the worker took it as far as it goes.
          if (cmd.includes('--detach')) await until(async () => !['queued', 'running', 'pending'].includes(await statusOf(started)), `run ${started} to settle`);
        }
      }
    }
    // The README's `run --json` object has exactly the keys it lists.
    const listed = /`run --json` prints exactly one object\s+`\{ ([^}]+) \}`/.exec(readme)?.[1]?.split(',').map((k) => k.trim());
    expect(listed).toBeDefined();
    const runJson = await finished(shell('node bin/aigen.js run research,writer "Tides" --json'));
    expect(Object.keys(JSON.parse(runJson.stdout) as object).sort()).toEqual([...listed!].sort());

    // The workers the README started in the background stop by their pid, drained.
    for (const child of background.filter((c) => c.exitCode === null)) {
      child.kill('SIGTERM');
      expect((await finished(child)).code).toBe(0);
    }
    // The tour, the workers, the approvals and the debugging sections all ran.
    expect(ran).toContain('follow, tail and cancel');
    expect(ran.some((c) => c.startsWith('node bin/aigen.js approve '))).toBe(true);
    expect(ran.some((c) => c.startsWith('node bin/aigen.js replay --file run.jsonl'))).toBe(true);
  }, 300_000);
});

/** Terminal 1 runs a slowed-down run, terminal 2 follows its events, terminal 3 tails, terminal 2 cancels it. */
async function followTailCancel(cmds: string[]): Promise<void> {
  const [runCmd, followCmd, tailCmd, cancelCmd] = cmds.filter((c) => c !== '');
  expect(cancelCmd, 'the follow, tail and cancel block has four commands').toMatch(/ cancel <runId>$/);
  const [assignment, ...rest] = runCmd!.split(' ');
  const [name, value] = assignment!.split('=');
  const terminal1 = shell(rest.join(' '), { [name!]: value });
  const t1 = finished(terminal1);
  const runId = (await waitForLine(terminal1.stderr, /run ([0-9a-f]{8}-[0-9a-f-]{27})/))[1]!;
  const tail = shell(`exec ${tailCmd!}`);
  const tailed = finished(tail);
  const followed = finished(shell(followCmd!.replace('<runId>', runId)));
  // Terminal 3 shows only new events: cancel once it has shown one (it is listening), however long
  // its start took on a busy machine.
  await waitForLine(tail.stdout, /\S/, 60_000);
  const cancelled = await finished(shell(cancelCmd!.replace('<runId>', runId)));
  expect(cancelled.code, cancelled.stderr).toBe(0);

  const one = await t1;
  expect(one.code, 'terminal 1: the cancelled run exits 1').toBe(1);
  expect(one.stderr).toMatch(/cancelled/);
  const two = await followed;
  expect(two.code).toBe(0);
  expect(two.stdout).toMatch(/RunCancelled/);
  tail.kill('SIGINT');
  const three = await tailed;
  expect(three.code).toBe(0);
  expect(three.stdout).toMatch(/RunCancelled/);
}
