import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, finished, json, jsonLines, oneLineError, sandbox, start, waitForLine, type Sandbox } from './helpers.js';

// What the CLI tells a user who mistypes, and the commands it tells them to run next.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

describe.concurrent('hints and usage errors', { timeout: 120_000 }, () => {
  it('the command run --detach prints to follow the run works: it follows the run live and exits 0 when it ends', async () => {
    const detached = await aigen(['run', 'writer', 'Tides', '--detach'], { sb });
    expect(detached.code, detached.stderr).toBe(0);
    const hint = /follow it with aigen (tail \S+)/.exec(detached.stderr)?.[1];
    expect(hint, detached.stderr).toBeDefined();
    const runId = detached.stdout.trim();
    const following = start([...hint!.split(' '), '--json'], { sb });
    const done = finished(following);
    await waitForLine(following.stdout, /"RunStarted"/);
    const cancelled = await aigen(['cancel', runId], { sb });
    expect(cancelled.code, cancelled.stderr).toBe(0);
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((e) => e.type)).toEqual(['RunStarted', 'RunCancelled']);
  });

  it('aigen events --types says what every event type records; aigen events without a run id says how to call it (exit 2)', async () => {
    const types = await aigen(['events', '--types', '--json'], { sb });
    expect(types.code, types.stderr).toBe(0);
    const listed = jsonLines(types.stdout) as unknown as Array<{ type: string; about: string }>;
    expect(listed.map((t) => t.type)).toEqual(expect.arrayContaining(['RunStarted', 'ApprovalRequested', 'RunClaimed', 'RunCancelled']));
    for (const t of listed) expect(t.about.length, t.type).toBeGreaterThan(10);
    const bare = await aigen(['events'], { sb });
    expect(bare.code).toBe(2);
    expect(oneLineError(bare)).toContain('aigen events --types');
  });

  it('a misspelt workflow name in aigen run gets a "did you mean" (exit 2)', async () => {
    const r = await aigen(['run', 'content_generaton', 'Tides'], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe("aigen: unknown workflow or agent type 'content_generaton' — did you mean 'content_generation'?");
  });

  it('--retry-delay takes a duration as workflow files write it (5s), and records it in milliseconds', async () => {
    const run = json<{ runId: string; status: string }>(await aigen(['run', 'writer', 'Tides', '--retry-delay', '5s', '--json'], { sb }));
    expect(run.status).toBe('completed');
    const events = jsonLines((await aigen(['events', run.runId, '--json'], { sb })).stdout);
    expect(JSON.stringify(events[0]!.data)).toContain('"retryDelayMs":5000');
    const bad = await aigen(['run', 'writer', 'Tides', '--retry-delay', '5x'], { sb });
    expect(bad.code).toBe(2);
    expect(oneLineError(bad)).toMatch(/--retry-delay .*'5x' is invalid\. expected milliseconds or a duration such as '30s'/);
  });

  it('aigen serve on a busy port is a one-line error with a --port hint (exit 2), not a bare EADDRINUSE', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await aigen(['serve', '--port', String(port)], { sb });
      expect(r.code).toBe(2);
      expect(oneLineError(r)).toBe(`aigen: port ${port} on 127.0.0.1 is already in use (another aigen serve?): choose another with --port <n>, or --port 0 for any free port`);
    } finally {
      busy.close();
    }
  });
});
