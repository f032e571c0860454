import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../src/server/index.js';
import { runEvents, startRun, startTestServer, type TestServer } from '../server/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('live model output on the run page', () => {
  let t: TestServer;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    // Each model call streams its words over 5 s: long enough to watch the text grow.
    t = await startTestServer({ latencyMs: 5000 });
    server = await t.listen();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the active step\'s text grows before the step ends; its recorded output then replaces it', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The offline model echoes the topic: markup in it must arrive as text, as in recorded outputs.
    const runId = await startRun(t.app, 'content_generation', 'Tides <b class="x">bold</b>');
    await page.goto(`${server.url}/runs/${runId}`);
    const live = page.locator('[data-testid=live-output]').first();
    await live.waitFor({ timeout: 30_000 });
    const stepId = (await page.locator('[data-live-step]').first().getAttribute('data-live-step'))!;
    const first = (await live.textContent()) ?? '';
    await expect.poll(async () => ((await live.textContent()) ?? '').length, { timeout: 20_000 }).toBeGreaterThan(first.length);
    const grown = (await live.textContent()) ?? '';
    await expect.poll(async () => (await live.textContent()) ?? '', { timeout: 20_000 }).toContain('<b class="x">bold</b>');
    expect(await page.locator('[data-testid=live-output] b').count()).toBe(0);
    const completed = async () => (await runEvents(t.store, runId)).some((e) => e.type === 'StepCompleted' && (e.data as { stepId: string }).stepId === stepId);
    // Seen growing while the step had not ended.
    const endedWhenSeen = await completed();
    expect(grown.startsWith(first)).toBe(true);
    // The step ends: the live block goes, the recorded output takes its place.
    await page.locator(`[data-live-step="${stepId}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    const recorded = (await page.locator(`[data-testid=outputs] details[data-step="${stepId}"] pre`).textContent()) ?? '';
    const step = (await runEvents(t.store, runId)).find((e) => e.type === 'StepCompleted' && (e.data as { stepId: string }).stepId === stepId)!;
    expect(recorded).toBe((step.data as { output: string }).output);
    expect(recorded.startsWith(grown)).toBe(true);
    expect(endedWhenSeen).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});
