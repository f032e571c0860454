import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../server/sseClient.js';
import { aigen, finished, sandbox, start, type Sandbox } from '../cli/helpers.js';
import { expectStreamedAnswers, startServe, type DeltaData } from './support.js';

// Runs queued with `run --detach` and executed by `aigen worker` processes stream their model
// output to `aigen serve`, also when the worker is killed mid-call and another one resumes the run.
describe('deltas of runs executed by workers', () => {
  let sb: Sandbox;
  let url: string;
  let stopServer: () => Promise<unknown>;
  const slow = { AIGEN_OFFLINE_LATENCY_MS: '2500' };

  beforeAll(async () => {
    sb = sandbox();
    ({ url, stop: stopServer } = await startServe(sb));
  }, 120_000);

  afterAll(async () => {
    await stopServer();
    sb.cleanup();
  });

  it('reach aigen serve from the worker process; the worker stops cleanly on SIGTERM', async () => {
    const worker = start(['worker', '--concurrency', '1'], { sb, env: slow });
    const workerDone = finished(worker);
    const queued = await aigen(['run', 'content_generation', 'Queued for a worker', '--detach'], { sb });
    const runId = queued.stdout.trim();
    const got = await collect(`${url}/api/runs/${runId}/events`, { deltas: true, timeoutMs: 90_000 });
    worker.kill('SIGTERM');
    expect((await workerDone).code).toBe(0);
    expect(got.filter((m) => m.type === 'delta').length).toBeGreaterThan(10);
    expect(expectStreamedAnswers(got)).toBe(3);
    expect(got.some((m) => m.type === 'RunCompleted')).toBe(true);
  });

  it('a worker killed mid-call (SIGKILL): another worker resumes the run, and the reader\'s text of every call still equals the log', async () => {
    const first = start(['worker', '--concurrency', '1', '--lease-ms', '1500'], { sb, env: slow });
    const firstDone = finished(first);
    const queued = await aigen(['run', 'content_generation', 'Killed mid-call', '--detach'], { sb });
    const runId = queued.stdout.trim();
    let second: ReturnType<typeof start> | undefined;
    const got = await collect(`${url}/api/runs/${runId}/events`, {
      deltas: true,
      timeoutMs: 120_000,
      until: (ms) => {
        if (!second && ms.filter((m) => m.type === 'delta').length >= 5) {
          first.kill('SIGKILL');
          second = start(['worker', '--concurrency', '1', '--lease-ms', '1500'], { sb, env: slow });
        }
        return false;
      },
    });
    // The call under way at the kill was re-issued by the second worker: its text started over, as a snapshot.
    const deltas = got.filter((m) => m.type === 'delta').map((m) => m.data as unknown as DeltaData);
    const killed = deltas[4]!.callId;
    expect(deltas.slice(5).some((d) => d.callId === killed && d.snapshot)).toBe(true);
    expect((await firstDone).signal).toBe('SIGKILL');
    second!.kill('SIGTERM');
    expect((await finished(second!)).code).toBe(0);
    expect(got.some((m) => m.type === 'RunCompleted')).toBe(true);
    expect(expectStreamedAnswers(got)).toBe(3);
    const ids = got.filter((m) => m.type !== 'delta' && m.type !== 'end').map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
