import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFile, parseWorkflowSource } from '../../../src/index.js';
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
    // The waiting step spent tokens before it asked: the header counts them, as the log does.
    const spent = (await runEvents(ui.t.store, runId)).filter((e) => e.type === 'ModelResponded')
      .reduce((n, e) => n + (e.data as { response: { usage: { totalTokens: number } } }).response.usage.totalTokens, 0);
    expect(spent).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-fact=tokens] .v').textContent(), { timeout: 10_000 }).toBe(`${spent.toLocaleString('en-US')} tok`);
    // Its agent waits too: not drawn as working.
    const agent = page.locator('li.actor', { has: page.locator('.pill.on') }).first();
    expect(await agent.locator('.pill.on').textContent()).toBe('waiting');
    expect(await page.locator('g.chip[data-agent-state="working"]').count()).toBe(0);
    expect(await page.locator('g.chip[data-agent-state="waiting"]').count()).toBe(1);
    // The message lane shows the request for approval.
    expect(await page.locator('[data-testid=lane] .msg-wait').textContent()).toContain('asks approval · issue_refund');

    await page.locator('[data-testid=approval-comment]').fill('receipt checked');
    await page.locator('[data-testid=approve]').click();
    // The page follows the run live: it leaves the waiting state, then completes.
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await panel.isHidden()).toBe(true);
    await page.locator('[data-testid=events] .type-ApprovalDecided').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid=events]').textContent()).toMatch(/approved by .*: receipt checked/);
    // The lane has the decision and the tool call it allowed, with its arguments.
    const lane = page.locator('[data-testid=lane]');
    await lane.locator('.msg-tool', { hasText: 'issue_refund returned' }).waitFor({ timeout: 10_000 });
    expect(await lane.locator('.msg-tool', { hasText: /^issue_refund\(.*1042/ }).count()).toBe(1);
    expect(await lane.locator('.msg-result', { hasText: /^approved by / }).count()).toBe(1);
    // Ended: nothing left to follow live.
    expect(await page.isChecked('[data-testid=live]')).toBe(false);

    const events = await runEvents(ui.t.store, runId);
    const decided = events.find((e) => e.type === 'ApprovalDecided')!;
    expect(decided.data).toMatchObject({ decision: 'approve', comment: 'receipt checked' });
    expect(events.findIndex((e) => e.type === 'ToolReturned')).toBeGreaterThan(decided.streamPosition);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('an approval step shows the draft in an editable field; Approve sends the edited version, which the next step gets and the run output shows', async () => {
    const page = await ui.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    // writer, then approval step publish_draft, then editor.
    const workflow = loadWorkflowFile(fileURLToPath(new URL('../../fixtures/workflows/publish.yaml', import.meta.url)));
    const runId = await ui.t.engine.start(workflow, 'Announce our new offline mode');
    expect((await ui.t.engine.wait(runId)).status).toBe('waiting');
    const draft = (await runEvents(ui.t.store, runId)).find((e) => e.type === 'ApprovalRequested')!.data as { content: string };

    await page.goto(`${ui.server.url}/runs/${runId}`, { waitUntil: 'load' });
    const field = page.locator('[data-testid=approval-output]');
    await field.waitFor({ timeout: 20_000 });
    expect(await field.inputValue()).toBe(draft.content);
    const edit = 'Offline mode is here: every workflow runs without a key.';
    await field.fill(edit);
    await page.locator('[data-testid=approval-comment]').fill('shorter');
    await page.locator('[data-testid=approve]').click();
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(await page.locator('[data-testid=run-output]').textContent()).toContain(edit);

    const events = await runEvents(ui.t.store, runId);
    expect(events.find((e) => e.type === 'ApprovalDecided')!.data).toMatchObject({ decision: 'approve', comment: 'shorter', output: edit });
    const tasks = events.filter((e) => e.type === 'TaskSent').map((e) => e.data as { agentId: string; input: string });
    expect(tasks.map((t) => t.agentId)).toEqual(['writer', 'editor']);
    expect(tasks[1]!.input).toContain(edit);
    expect(tasks[1]!.input).not.toContain(draft.content);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a tool call to approve shows its arguments read-only: no field to edit them', async () => {
    const page = await ui.browser.newPage();
    const runId = await startRun(ui.t.app, 'refund_desk', 'Please refund order #A9, $5: it is broken');
    expect((await ui.t.engine.wait(runId)).status).toBe('waiting');
    await page.goto(`${ui.server.url}/runs/${runId}`, { waitUntil: 'load' });
    await page.locator('[data-testid=approval-content]').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid=approval-output]').count()).toBe(0);
    await page.close();
  });

  it('a run whose parallel branch waits is waiting on its own page, with the branch\'s approval; Approve there continues the run to its end', async () => {
    const page = await ui.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    const workflow = parseWorkflowSource(
      'name: review_and_notes\nkind: parallel\nbranches:\n  review:\n    kind: sequential\n    name: review\n    agents: [writer, { approval: publish_draft }]\n  notes: summarizer\naggregator: editor\n',
      { format: 'yaml' },
    );
    const runId = await ui.t.engine.start(workflow, 'Announce our new offline mode');
    expect((await ui.t.engine.wait(runId)).status).toBe('waiting');

    await page.goto(`${ui.server.url}/runs/${runId}`, { waitUntil: 'load' });
    const item = page.locator('[data-testid=waiting] [data-wait-id="2-publish_draft.approval"]');
    await item.waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 20_000 }).toBe('waiting');
    expect(await item.textContent()).toContain(`branch ${runId}.review`);
    await item.locator('[data-testid=approve]').click();
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 30_000 }).toBe('completed');
    expect((await runEvents(ui.t.store, `${runId}.review`)).find((e) => e.type === 'ApprovalDecided')!.data).toMatchObject({ decision: 'approve' });
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
