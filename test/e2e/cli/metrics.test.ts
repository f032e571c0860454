import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePrometheus } from '../../support/prometheus.js';
import { aigen, sandbox, start, waitForLine, type Sandbox } from './helpers.js';

describe('GET /metrics of aigen serve', () => {
  let sb: Sandbox;
  let url: string;
  let stop: () => void;

  beforeAll(async () => {
    sb = sandbox();
    const server = start(['serve', '--port', '0', '--json'], { sb });
    stop = () => server.kill('SIGTERM');
    url = (await waitForLine(server.stdout, /"url":"([^"]+)"/, 90_000))[1]!;
  }, 120_000);
  afterAll(() => {
    stop();
    sb.cleanup();
  });

  const scrape = async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parsePrometheus(await res.text());
  };

  it('parses as Prometheus text, and its counters move with a run executed by another process', async () => {
    const before = await scrape();
    for (const name of ['aigen_runs_in_flight', 'aigen_runs_waiting', 'aigen_queue_depth', 'aigen_lease_expirations_total']) expect(before.has(name), name).toBe(true);
    expect(before.get('aigen_runs_started_total{workflow="content_generation"}') ?? 0).toBe(0);

    const r = await aigen(['run', 'content_generation', 'metrics please', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);

    let after = await scrape();
    const deadline = Date.now() + 60_000;
    while ((after.get('aigen_runs_finished_total{workflow="content_generation",status="completed"}') ?? 0) < 1 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      after = await scrape();
    }
    expect(after.get('aigen_runs_started_total{workflow="content_generation"}')).toBe(1);
    expect(after.get('aigen_runs_finished_total{workflow="content_generation",status="completed"}')).toBe(1);
    for (const agent of ['research', 'writer', 'editor']) expect(after.get(`aigen_step_duration_seconds_count{agent="${agent}"}`)).toBe(1);
    expect(after.get('aigen_model_tokens_total{model="offline",direction="input"}')).toBeGreaterThan(0);
    expect(after.get('aigen_model_tokens_total{model="offline",direction="output"}')).toBeGreaterThan(0);
    expect(after.get('aigen_cost_usd_total{model="offline"}')).toBe(0);
    expect(after.get('aigen_runs_in_flight')).toBe(0);
  }, 180_000);

  it('a server bound beyond loopback asks the API token for /metrics too', async () => {
    const token = 'metrics-token-0123456789';
    const server = start(['serve', '--port', '0', '--host', '0.0.0.0', '--json'], { sb, env: { AIGEN_API_TOKEN: token } });
    try {
      const other = (await waitForLine(server.stdout, /"url":"([^"]+)"/, 90_000))[1]!;
      expect((await fetch(`${other}/metrics`)).status).toBe(401);
      const ok = await fetch(`${other}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(parsePrometheus(await ok.text()).has('aigen_runs_in_flight')).toBe(true);
    } finally {
      server.kill('SIGTERM');
    }
  }, 120_000);
});
