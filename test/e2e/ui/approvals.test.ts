import { describe, expect, it } from 'vitest';
import { runEvents, startRun } from '../server/helpers.js';
import { hasChromium, uiSession } from './browser.js';

describe.skipIf(!hasChromium)('approving from the run page', () => {
  // Slow model calls: the run is seen going on live after the decision.
  const ui = uiSession({ latencyMs: 600 });

  it('a waiting run shows the tool call to approve, highlighted in the statechart; Approve records the decision and the page follows the run to its end', async () => {
    const page = await ui.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const runId = await startRun(ui.t.app, 'refund_desk', 'Please refund order #A1042, $40: it arrived broken');
    expect((await ui.t.engine.wait(runId)).status).toBe('waiting');

    await page.goto(`${ui.server.url}/`, { waitUntil: 'load' });
    await page.locator('[aria-label="status filter"]').selectOption('waiting');
    await page.locator(`[data-testid=runs] tr[data-run-id="${runId}"] .status-waiting`).waitFor({ timeout: 20_000 });

    await page.goto(`${ui.server.url}/runs/${runId}`, { waitUntil: 'load' });
    const panel = page.locator('[data-testid=waiting]');
    await panel.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 20_000 }).toBe('waiting');
    expect(await panel.textContent()).toContain('issue_refund');
    expect(await page.locator('[data-testid=approval-content]').textContent()).toContain('1042');
    await page.locator('.chart-host.waiting .st.active').first().waitFor({ timeout: 20_000 });

    await page.locator('[data-testid=approval-comment]').fill('receipt checked');
    await page.locator('[data-testid=approve]').click();
    // The page follows the run live: it leaves the waiting state, then completes.
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await panel.isHidden()).toBe(true);
    await page.locator('[data-testid=events] .type-ApprovalDecided').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=events]').textContent()).toMatch(/approved by .*: receipt checked/);

    const events = await runEvents(ui.t.store, runId);
    const decided = events.find((e) => e.type === 'ApprovalDecided')!;
    expect(decided.data).toMatchObject({ decision: 'approve', comment: 'receipt checked' });
    expect(events.findIndex((e) => e.type === 'ToolReturned')).toBeGreaterThan(decided.streamPosition);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Reject with a comment: the model gets the reason and the run completes with it', async () => {
    const page = await ui.browser.newPage();
    const runId = await startRun(ui.t.app, 'refund_desk', 'Please refund order #A77, $15: it is late');
    expect((await ui.t.engine.wait(runId)).status).toBe('waiting');
    await page.goto(`${ui.server.url}/runs/${runId}`, { waitUntil: 'load' });
    await page.locator('[data-testid=reject]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=approval-comment]').fill('outside the refund window');
    await page.locator('[data-testid=reject]').click();
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 30_000 }).toBe('completed');
    const events = await runEvents(ui.t.store, runId);
    expect(events.find((e) => e.type === 'ApprovalDecided')!.data).toMatchObject({ decision: 'reject', comment: 'outside the refund window' });
    expect(events.map((e) => e.type)).not.toContain('ToolCalled');
    await page.close();
  });
});
