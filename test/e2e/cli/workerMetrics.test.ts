import { afterEach, describe, expect, it } from 'vitest';
import { aigen, runStartedWith, start, waitForLine } from './helpers.js';
import { parsePrometheus } from '../../support/prometheus.js';
import { completedSteps, eventsOf, eventually, isEnded, startWorker, workerSandbox, type WorkerSandbox } from './workersSupport.js';

// `aigen worker --metrics-port`: the worker serves the store's Prometheus metrics like `aigen serve`.
describe('aigen worker --metrics-port', () => {
  let sb: WorkerSandbox;
  afterEach(async () => {
    await sb?.close();
  });

  const metricsUrl = async (worker: ReturnType<typeof startWorker>) => (await waitForLine(worker.stdout, /"url":"([^"]+\/metrics)"/, 90_000))[1]!;
  const scrape = async (url: string) => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return parsePrometheus(await res.text());
  };

  it('counts a detached run the worker executes, and a run it takes over after its process was SIGKILLed', async () => {
    sb = await workerSandbox('sqlite');
    const worker = startWorker(sb, 'metered', ['--lease-ms', '1500', '--metrics-port', '0'], { AIGEN_OFFLINE_LATENCY_MS: '300' });
    const url = await metricsUrl(worker);
    expect((await scrape(url)).get('aigen_lease_expirations_total')).toBe(0);

    const detached = await aigen(['run', 'content_generation', 'metered run', '--detach', '--json'], { sb });
    expect(detached.code, detached.stderr).toBe(0);
    const finished = await eventually(async () => {
      const m = await scrape(url);
      return (m.get('aigen_runs_finished_total{workflow="content_generation",status="completed"}') ?? 0) >= 1 ? m : undefined;
    }, 'the detached run to be counted finished');
    expect(finished.get('aigen_runs_started_total{workflow="content_generation"}')).toBe(1);
    for (const agent of ['research', 'writer', 'editor']) expect(finished.get(`aigen_step_duration_seconds_count{agent="${agent}"}`)).toBe(1);
    expect(finished.get('aigen_model_tokens_total{model="offline",direction="output"}')).toBeGreaterThan(0);
    expect(finished.get('aigen_queue_depth')).toBe(0);

    // A plain run killed after its first step: the worker takes it over once its lease expired.
    const run = start(['run', 'content_generation', 'Take me over'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1200', AIGEN_LEASE_MS: '1500' } });
    sb.children.push(run);
    const runId = await runStartedWith(sb.url, 'Take me over', 60_000);
    await eventually(async () => completedSteps(await eventsOf(sb.shared, runId)).length >= 1, 'the first step');
    run.kill('SIGKILL');
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the taken-over run to end');
    const after = await eventually(async () => {
      const m = await scrape(url);
      return (m.get('aigen_runs_finished_total{workflow="content_generation",status="completed"}') ?? 0) >= 2 ? m : undefined;
    }, 'the taken-over run to be counted finished');
    expect(after.get('aigen_lease_expirations_total')).toBe(1);
  });

  it('answers only /metrics, and refuses a bad port (exit 2)', async () => {
    sb = await workerSandbox('sqlite');
    const worker = startWorker(sb, 'quiet', ['--metrics-port', '0']);
    const url = await metricsUrl(worker);
    const other = await fetch(url.replace(/\/metrics$/, '/api/runs'));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const bad = await aigen(['worker', '--metrics-port', '70000'], { sb });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--metrics-port');
  });
});
