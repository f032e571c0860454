import { describe, expect, it } from 'vitest';
import { runEvents, startRun } from '../server/helpers.js';
import { hasChromium, uiSession } from './browser.js';

describe.skipIf(!hasChromium)('live model output on the run page', () => {
  // Each model call streams its words over 5 s: long enough to watch the text grow.
  const ui = uiSession({ latencyMs: 5000 });

  it('the active step\'s text grows before the step ends; its recorded output then replaces it', async () => {
    const page = await ui.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // The offline model echoes the topic: markup in it must arrive as text, as in recorded outputs.
    const runId = await startRun(ui.t.app, 'content_generation', 'Tides <b class="x">bold</b>');
    await page.goto(`${ui.server.url}/runs/${runId}`);
    const live = page.locator('[data-testid=live-output]').first();
    await live.waitFor({ timeout: 30_000 });
    const stepId = (await page.locator('[data-live-step]').first().getAttribute('data-live-step'))!;
    const first = (await live.textContent()) ?? '';
    await expect.poll(async () => ((await live.textContent()) ?? '').length, { timeout: 20_000 }).toBeGreaterThan(first.length);
    const grown = (await live.textContent()) ?? '';
    await expect.poll(async () => (await live.textContent()) ?? '', { timeout: 20_000 }).toContain('<b class="x">bold</b>');
    expect(await page.locator('[data-testid=live-output] b').count()).toBe(0);
    const completed = async () => (await runEvents(ui.t.store, runId)).some((e) => e.type === 'StepCompleted' && (e.data as { stepId: string }).stepId === stepId);
    // Seen growing while the step had not ended.
    const endedWhenSeen = await completed();
    expect(grown.startsWith(first)).toBe(true);
    // The step ends: the live block goes, the recorded output takes its place.
    await page.locator(`[data-live-step="${stepId}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    const recorded = (await page.locator(`[data-testid=outputs] details[data-step="${stepId}"] pre`).textContent()) ?? '';
    const step = (await runEvents(ui.t.store, runId)).find((e) => e.type === 'StepCompleted' && (e.data as { stepId: string }).stepId === stepId)!;
    expect(recorded).toBe((step.data as { output: string }).output);
    expect(recorded.startsWith(grown)).toBe(true);
    expect(endedWhenSeen).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  });
});
