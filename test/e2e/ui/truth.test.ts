import { randomUUID } from 'node:crypto';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflow } from '../../../src/config/catalog.js';
import type { EventData } from '../../../src/events/catalogue.js';
import type { RunningServer } from '../../../src/server/index.js';
import { aigen, finished, runStartedWith, sandbox, start, storedEvents, type Sandbox } from '../cli/helpers.js';
import { eventually, post, runEvents, startRun, startTestServer, type TestServer } from '../server/helpers.js';
import { hasChromium, launchChromium } from './browser.js';

// The UI says what the log says: no success colour for a failure, no "live" for an ended run, no
// step at work in a cancelled run, no SDK span past its step, a word for an empty list, and the
// wall-clock time of a run that was resumed after its process died.

const RGB_OK = 'rgb(43, 138, 62)';
const RGB_BAD = 'rgb(201, 42, 42)';

describe.skipIf(!hasChromium)('a UI that tells the truth', () => {
  let t: TestServer;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // Each offline model call takes a second: runs stay in progress long enough to act on them.
    t = await startTestServer({ latencyMs: 1000 });
    server = await t.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('pageerror', (e) => problems.push(e.message));
  }, 60_000);

  afterAll(async () => {
    expect(problems).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const status = (value: string) => page.locator('[data-testid=run-status]', { hasText: new RegExp(`^${value}$`) }).waitFor({ timeout: 30_000 });
  const openRun = async (runId: string) => {
    await page.goto(`${server.url}/runs/${runId}`);
    await page.locator('[data-testid=statechart]').waitFor();
  };

  // First: the store is still empty.
  it('an empty runs list says there are no runs and how to start one', async () => {
    await page.goto(server.url);
    const empty = page.locator('[data-testid=runs-empty]');
    await expect.poll(() => empty.textContent()).toContain('No runs yet');
    expect(await empty.textContent()).toContain('Start one with the form above, or from a terminal');
    expect(await empty.locator('code').textContent()).toBe('npx aigen run content_generation "Generate content about AI"');
    await page.selectOption('select[aria-label="status filter"]', 'failed');
    await expect.poll(() => empty.textContent()).toBe('No failed runs.');
  }, 60_000);

  it("a failed run's final state is drawn in the failure colour, not green", async () => {
    // Each step may take 200 ms; the model takes a second: the first step times out, no retry.
    const runId = await t.engine.start(createWorkflow('content_generation'), 'Fails on time', { stepTimeoutMs: 200, maxRetries: 0 });
    await expect(t.engine.wait(runId)).resolves.toMatchObject({ status: 'failed' });
    await openRun(runId);
    await status('failed');
    const end = page.locator('g.st-final.active[data-scope="workflow"]');
    await end.waitFor();
    expect(await end.getAttribute('data-state-id')).toBe('content_generation.failed');
    // (This file compiles without the DOM library: the page's global is typed here.)
    const stroke = await end.locator('.box').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(el).stroke);
    expect(stroke).toBe(RGB_BAD);
    expect(stroke).not.toBe(RGB_OK);
  }, 60_000);

  it('an ended run\'s timeline says the run has ended, not "following live"', async () => {
    const runId = await startRun(t.app, 'content_generation', 'Ends while watched');
    await openRun(runId);
    const label = page.locator('[data-testid=scrubber-label]');
    await expect.poll(() => label.textContent(), { timeout: 20_000 }).toContain('following live');
    await status('completed');
    await expect.poll(() => label.textContent()).toContain('the run has ended');
    expect(await label.textContent()).not.toContain('following live');
    // Also when a past run is opened.
    await openRun(runId);
    await status('completed');
    await expect.poll(() => label.textContent()).toContain('the run has ended');
    expect(await label.textContent()).not.toContain('following live');
  }, 60_000);

  it('a cancelled run shows no step running: not in the trace, the actors or the statechart', async () => {
    const runId = await startRun(t.app, 'content_generation', 'Cancelled mid-step');
    await eventually(async () => (await runEvents(t.store, runId)).some((e) => e.type === 'ModelCalled'), 20_000);
    expect((await post(t.app, `/api/runs/${runId}/cancel`, { reason: 'changed my mind' })).status).toBe(200);
    await openRun(runId);
    await status('cancelled');
    const trace = page.locator('[data-testid=trace]');
    await trace.locator('.wf-row').first().waitFor();
    await expect.poll(() => trace.locator('.wf-row.running').count()).toBe(0);
    expect(await trace.locator('.wf-num', { hasText: /^running$/ }).count()).toBe(0);
    expect(await page.locator('li.actor .pill.on', { hasText: /^(working|retrying)$/ }).count()).toBe(0);
    expect(await page.locator('li.actor[data-actor="research"] .pill.on').textContent()).toBe('stopped');
    expect(await page.locator('g.chip[data-agent-state="working"]').count()).toBe(0);
    const api = (await (await t.app.request(`/api/runs/${runId}`)).json()) as { steps: Array<{ status: string }> };
    expect(api.steps.map((s) => s.status)).toEqual(['cancelled']);
  }, 60_000);

  it('an SDK span that ends after its step is drawn within the step in the waterfall', async () => {
    // A log as a process records it when the SDK's clock runs past the step: the span's recorded
    // end is ten seconds after the step completed.
    const template = (await runEvents(t.store, await startRun(t.app, 'writer', 'Template'))).find((e) => e.type === 'RunStarted')!;
    const runId = randomUUID();
    const stream = `run-${runId}`;
    const started = template.data as EventData<'RunStarted'>;
    const usage = { requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 };
    await t.store.append(stream, [
      { type: 'RunStarted', data: { ...started, runId, input: 'Clock skew', owner: undefined } },
      { type: 'TaskSent', data: { stepId: '1-writer', agentId: 'writer', input: 'Clock skew', attempt: 1 } },
    ]);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    await t.store.append(stream, [
      {
        type: 'SpanRecorded',
        data: { traceId: started.traceId, spanId: 'span_late', parentId: null, spanType: 'agent', name: 'writer', startedAt: new Date(t0 + 100).toISOString(), endedAt: new Date(t0 + 11_000).toISOString(), data: {} },
      },
      { type: 'StepCompleted', data: { stepId: '1-writer', agentId: 'writer', output: 'Text.', usage, attempt: 1 } },
      { type: 'RunCompleted', data: { output: 'Text.', partial: false, usage, durationMs: 1000 } },
    ]);
    await openRun(runId);
    await status('completed');
    await page.locator('label', { hasText: 'SDK spans' }).locator('input').check();
    // Read in one frame: the page may redraw the trace (a view refresh) between two separate reads.
    const drawn = await eventually(async () => (await page.evaluate<DrawnSdkSpan | null>(DRAWN_SDK_SPAN)) ?? undefined);
    expect(drawn.sdkBars).toBe(1);
    expect(drawn.parentSpan).toBe('step:1-writer');
    const { child, step, track } = drawn;
    expect(child.x).toBeGreaterThanOrEqual(step.x - 0.5);
    expect(child.x + child.width).toBeLessThanOrEqual(step.x + step.width + 0.5);
    // The time axis is the run's: the step spans most of it, not a tenth.
    expect(step.width).toBeGreaterThan(track.width * 0.5);
  }, 60_000);
});

interface DrawnSdkSpan {
  sdkBars: number;
  parentSpan: string | null;
  child: { x: number; width: number };
  step: { x: number; width: number };
  track: { x: number; width: number };
}

/** The first SDK bar, the bar it hangs under and the time track, measured in the page in one go (null until all are drawn). */
const DRAWN_SDK_SPAN = `(() => {
  const trace = document.querySelector('[data-testid=trace]');
  const bars = trace ? trace.querySelectorAll('.bar-sdk') : [];
  const sdk = bars[0];
  if (!sdk) return null;
  const parent = trace.querySelector('.bar[data-span="' + sdk.getAttribute('data-parent') + '"]');
  const track = trace.querySelector('.wf-track');
  if (!parent || !track) return null;
  const at = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, width: r.width }; };
  const m = { sdkBars: bars.length, parentSpan: parent.getAttribute('data-span'), child: at(sdk), step: at(parent), track: at(track) };
  return m.child.width > 0 && m.step.width > 0 ? m : null;
})()`;

describe.skipIf(!hasChromium)('a run resumed after its process died', () => {
  let sb: Sandbox;
  let t: TestServer | undefined;
  let browser: Browser | undefined;

  beforeAll(() => {
    sb = sandbox();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    sb.cleanup();
  });

  it('shows its wall-clock duration beside its active time', async () => {
    const run = start(['run', 'research,writer', 'Killed, then resumed'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1000' } });
    const ran = finished(run);
    const runId = await runStartedWith(sb.store, 'Killed, then resumed', 120_000);
    await eventually(async () => (await storedEvents(sb, runId)).some((e) => e.type === 'StepCompleted'), 60_000);
    run.kill('SIGKILL');
    await ran;
    // The run lies dead for a while before it is resumed.
    await new Promise((r) => setTimeout(r, 4000));
    const resumed = await aigen(['resume', runId], { sb });
    expect(resumed.code, resumed.stderr).toBe(0);

    t = await startTestServer({ storeUrl: sb.store });
    const server = await t.listen();
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${server.url}/runs/${runId}`);
    await page.locator('[data-testid=run-status]', { hasText: /^completed$/ }).waitFor({ timeout: 30_000 });
    const duration = page.locator('[data-testid=run-duration]');
    await expect.poll(() => duration.textContent(), { timeout: 20_000 }).toMatch(/ active · .+ wall clock$/);
    const [active, wall] = ((await duration.textContent()) ?? '').split(' · ').map(seconds);
    expect(wall).toBeGreaterThanOrEqual(4);
    expect(wall! - active!).toBeGreaterThanOrEqual(4);
  }, 180_000);
});

/** Seconds of a duration as the UI writes it (`340 ms`, `1.20 s`, `2 min 3 s`), before any suffix. */
function seconds(text: string): number {
  const m = /^(?:(\d+) min )?([\d.]+) (ms|s)/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1] ?? 0) * 60 + Number(m[2]) / (m[3] === 'ms' ? 1000 : 1);
}
