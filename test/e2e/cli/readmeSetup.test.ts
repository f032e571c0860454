import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finished, REPO, sandbox, waitForLine, type Sandbox } from './helpers.js';

// The README's setup and its commands, as a new user types them in the checkout.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const shLines = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
/** A README line without its comment. */
const command = (line: string) => line.replace(/\s+#\s.*$/, '').trim();

/** Run a shell script in the checkout with the sandbox's store and a fresh npm cache of its own; its npx cache dir. */
function inCheckout(script: string, cache: string) {
  const npmCache = join(sb.dir, `npm-cache-${cache}`);
  const child = spawn('sh', ['-c', script], { cwd: REPO, env: { ...sb.env, npm_config_cache: npmCache, npm_config_update_notifier: 'false' }, stdio: 'pipe' });
  child.stdin.end();
  return { child, npx: join(npmCache, '_npx') };
}

const distStamp = () => statSync(join(REPO, 'dist', 'index.js'), { throwIfNoEntry: false })?.mtimeMs;

describe("the README's commands", { timeout: 240_000 }, () => {
  it('run the checkout\'s own bin: its first command, as printed after npm install, completes without npm installing the checkout into its npx cache', async () => {
    const setup = shLines.find((l) => l.startsWith('npm install && '));
    expect(setup).toBeDefined();
    const first = setup!.slice('npm install && '.length);
    const { child, npx } = inCheckout(first, 'first');
    const r = await finished(child);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/completed/);
    expect(existsSync(npx)).toBe(false);
  });

  it('npx aigen in the checkout starts without rebuilding dist/ (npm install builds it; under npx the build is skipped)', async () => {
    const before = distStamp();
    const { child, npx } = inCheckout('npx aigen workflows', 'npx');
    const r = await finished(child);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('content_generation');
    expect(existsSync(npx)).toBe(true);
    expect(distStamp()).toBe(before);
  });

  it('start the worker so that kill of the pid $! gives stops it: the node process itself gets SIGTERM, drains and exits 0', async () => {
    const line = shLines.find((l) => / worker\b.*&/.test(command(l)));
    expect(line).toBeDefined();
    const { child } = inCheckout(`${command(line!)}\necho "pid $!" >&2\nwait $!\necho "exit $?" >&2`, 'worker');
    const bg = Number((await waitForLine(child.stderr, /^pid (\d+)$/m))[1]);
    const started = await waitForLine(child.stdout, /\{[^\n]*"msg":"worker started"[^\n]*\}/, 60_000);
    const workerPid = (JSON.parse(started[0]) as { pid: number }).pid;
    expect(workerPid).toBe(bg);
    const done = finished(child);
    process.kill(bg, 'SIGTERM');
    const r = await done;
    expect(r.stderr).toMatch(/^exit 0$/m);
    expect(r.stdout).toContain('"msg":"draining"');
    expect(() => process.kill(workerPid, 0)).toThrow(/ESRCH/);
  });

  it('say what npm test needs and takes, and how to run one tier', () => {
    expect(readme).toMatch(/`npm test`[^]*PostgreSQL on 127\.0\.0\.1:5432[^]*Chromium[^]*about 13 minutes on 2 cores/);
    expect(shLines.map(command)).toContain('npx vitest run test/unit');
  });
});
