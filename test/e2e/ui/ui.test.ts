import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, registerWorkflowFactory } from '../../../src/config/catalog.js';
import { DeterministicWorkflow } from '../../../src/machines/deterministic.js';
import { statusAt } from '../../../src/projections/at.js';
import type { RunningServer } from '../../../src/server/index.js';
import { runEvents, startTestServer, type TestServer } from '../server/helpers.js';
import { hasChromium, launchChromium } from './browser.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../../test-artifacts/ui');
const HOSTILE = 'Tides <script>alert(1)</script> and <img src=x onerror="window.__xss=1">';

// A custom workflow: the offline agents echo the topic, so their output carries the hostile markup.
registerWorkflowFactory('ui_demo', (o) => new DeterministicWorkflow({ agents: [createAgent('research'), createAgent('writer'), createAgent('editor')], name: 'ui_demo', ...o }), {
  description: 'research → writer → editor (UI test)',
  kind: 'sequential',
});

const state = (id: string) => `g.st[data-scope="workflow"][data-state-id="ui_demo.${id}"]`;

describe.skipIf(!hasChromium)('web UI in chromium', () => {
  let t: TestServer;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let runId: string;
  const dialogs: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Long enough that every step stays visible while a cold browser loads and lays out the run page.
    t = await startTestServer({ latencyMs: 4000 });
    server = await t.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => problems.push(e.message));
    // Record every change of the workflow's highlighted state, so the test sees each step of the run.
    // (Page code is given as text: this file compiles without the DOM library.)
    await page.addInitScript(`
      const seen = (window.__active = []);
      new MutationObserver(() => {
        const now = [...document.querySelectorAll('g.st.active[data-scope="workflow"]')].map((g) => g.getAttribute('data-state-id')).join(',');
        if (now && seen[seen.length - 1] !== now) seen.push(now);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['class'] });
    `);
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused/i.test(m.text())) problems.push(m.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  // (The page's CSP forbids eval, so waits use locators, not page functions.)
  const completed = () => page.locator('[data-testid=run-status]', { hasText: /^completed$/ }).waitFor({ timeout: 20_000 });
  const shot = (name: string, fullPage = false) => page.screenshot({ path: resolve(ARTIFACTS, name), fullPage });

  it('starts a run from the form and the highlighted state moves through the statechart', async () => {
    await page.goto(server.url);
    await page.selectOption('[data-testid=workflow]', 'ui_demo');
    await page.fill('[data-testid=input]', HOSTILE);
    await page.click('[data-testid=start-form] button[type=submit]');
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

    await page.waitForSelector(`${state('research')}.active`);
    await page.waitForSelector('g.chip[data-actor="research"][data-agent-state="working"]');
    expect(await page.locator(`${state('writer')}.active`).count()).toBe(0);
    await shot('01-live-research.png');

    await page.waitForSelector(`${state('writer')}.active`);
    expect(await page.locator(`${state('research')}.active`).count()).toBe(0);
    await page.waitForSelector('g.chip[data-actor="research"][data-agent-state="done"]');
    await page.waitForSelector(`${state('editor')}.active`);
    await shot('02-live-editor.png');
    await page.waitForSelector(`${state('completed')}.active`, { timeout: 20_000 });
    const seen = await page.evaluate('window.__active');
    expect(seen).toEqual(['ui_demo.research', 'ui_demo.writer', 'ui_demo.editor', 'ui_demo.completed']);
  }, 60_000);

  it('scrubbing the timeline back shows the earlier state, also while the run is live', async () => {
    await page.goto(server.url);
    await page.selectOption('[data-testid=workflow]', 'ui_demo');
    await page.fill('[data-testid=input]', 'Estuaries');
    await page.click('[data-testid=start-form] button[type=submit]');
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const liveId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await page.waitForSelector(`${state('writer')}.active`);
    const events = await runEvents(t.store, liveId);
    const toResearch = events.find((e) => e.type === 'Transitioned' && (e.data as { actorId: string }).actorId === 'workflow' && (e.data as { to: unknown }).to === 'research');
    expect(toResearch).toBeDefined();
    await page.fill('[data-testid=scrubber]', String(toResearch!.streamPosition));
    await page.waitForSelector(`${state('research')}.active`);
    expect(await page.locator(`${state('writer')}.active`).count()).toBe(0);
    expect(await page.isChecked('[data-testid=live]')).toBe(false);
    expect(await page.textContent('[data-testid=run-status]')).toBe('running');
    expect(await page.textContent('[data-testid=scrubber-label]')).toContain(`#${toResearch!.streamPosition} of`);
    // While scrubbed back, new events arrive but the view stays where it is.
    await page.waitForSelector('g.chip[data-actor="editor"]');
    await expect.poll(async () => Number(await page.getAttribute('[data-testid=scrubber]', 'max')), { timeout: 20_000 }).toBeGreaterThan(toResearch!.streamPosition + 12);
    expect(await page.locator(`${state('research')}.active`).count()).toBe(1);

    // Back to live: it follows the run to its end (or, when it ended meanwhile, the switch is off
    // and the last event is a click away).
    if (await page.isEnabled('[data-testid=live]')) await page.check('[data-testid=live]');
    else await page.click('button[title="last event"]');
    await page.waitForSelector(`${state('completed')}.active`, { timeout: 20_000 });
    await completed();
  }, 60_000);

  it('time travel on a past run: the diagram, status and outputs as of the selected event', async () => {
    await page.goto(`${server.url}/runs/${runId}`);
    await page.waitForSelector(`${state('completed')}.active`);
    const events = await runEvents(t.store, runId);
    const toWriter = events.find((e) => e.type === 'Transitioned' && (e.data as { to: unknown }).to === 'writer')!;
    await page.fill('[data-testid=scrubber]', String(toWriter.streamPosition));
    await page.waitForSelector(`${state('writer')}.active`);
    expect(await page.locator(`${state('completed')}.active`).count()).toBe(0);
    expect(await page.textContent('[data-testid=run-status]')).toBe('running');
    // Outputs as of then: research's only; no run output yet.
    expect(await page.locator('[data-testid=outputs] details[data-step]').count()).toBe(1);
    expect(await page.locator('[data-testid=run-output]').count()).toBe(0);
    // The trace as of then (fetched with ?at=): one finished step, one running.
    await page.locator('[data-testid=trace] .wf-row.running').first().waitFor();
    await page.click('ol.events li.selected');
    await shot('04-time-travel.png', true);
  }, 60_000);

  it('the scrubber shows what status --at shows, at several positions', async () => {
    await page.goto(`${server.url}/runs/${runId}`);
    await page.waitForSelector(`${state('completed')}.active`);
    const events = await runEvents(t.store, runId);
    const first = (type: string) => events.find((e) => e.type === type)!.streamPosition;
    const last = events[events.length - 1]!.streamPosition;
    const positions = [0, first('TaskSent'), first('StepCompleted'), Math.floor(last / 2), last - 1, last];
    for (const p of positions) {
      const st = (await statusAt(t.store, runId, p, { forks: false }))!;
      await page.fill('[data-testid=scrubber]', String(p));
      await expect.poll(() => page.textContent('[data-testid=scrubber-label]')).toContain(`#${p} of`);
      expect(await page.textContent('[data-testid=run-status]'), `status at #${p}`).toBe(st.status);
      expect(await page.textContent('[data-fact=steps] .v'), `steps at #${p}`).toBe(String(st.steps.length));
      const workflowState = st.states.workflow;
      const highlighted = page.locator('g.st.active[data-scope="workflow"]');
      const active: Array<string | null> = [];
      for (let i = 0; i < (await highlighted.count()); i++) active.push(await highlighted.nth(i).getAttribute('data-state-id'));
      expect(active, `workflow state at #${p}`).toEqual(workflowState === undefined ? [] : [`ui_demo.${workflowState as string}`]);
      for (const [actorId, value] of Object.entries(st.states)) {
        if (actorId === 'workflow') continue;
        expect(await page.locator(`li.actor[data-actor="${actorId}"] .pill.on`).textContent(), `${actorId} at #${p}`).toBe(value);
      }
      const completed = st.steps.filter((s) => s.status === 'completed').length;
      expect(await page.locator('[data-testid=outputs] details[data-step][data-status=completed]').count(), `outputs at #${p}`).toBe(completed);
      expect(await page.locator('[data-testid=run-output]').count()).toBe(st.output === undefined ? 0 : 1);
    }
  }, 60_000);

  it('model output containing <script> renders as text', async () => {
    // The run has ended: nothing to follow live.
    expect(await page.isChecked('[data-testid=live]')).toBe(false);
    expect(await page.isDisabled('[data-testid=live]')).toBe(true);
    await page.click('button[title="last event"]');
    await shot('03-completed.png', true);
    const output = page.locator('[data-testid=run-output]');
    await output.waitFor();
    const text = (await output.textContent()) ?? '';
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('<img src=x onerror=');
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.evaluate('document.scripts.length')).toBe(2);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
  }, 30_000);

  it('the runs list updates live and forking from the selected event opens the fork', async () => {
    await page.goto(server.url);
    await page.waitForSelector(`tr[data-run-id="${runId}"]`);
    const res = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ workflow: 'ui_demo', input: 'Rivers' }) });
    const { runId: second } = (await res.json()) as { runId: string };
    await page.waitForSelector(`tr[data-run-id="${second}"] .status-running`);
    await shot('05-runs-live.png');
    await page.waitForSelector(`tr[data-run-id="${second}"] .status-completed`, { timeout: 20_000 });

    await page.goto(`${server.url}/runs/${runId}`);
    await page.waitForSelector(`${state('completed')}.active`);
    const events = await runEvents(t.store, runId);
    const firstDone = events.find((e) => e.type === 'StepCompleted')!;
    await page.fill('[data-testid=scrubber]', String(firstDone.streamPosition));
    await page.click('[data-testid=fork]');
    await page.waitForURL((u) => !u.pathname.endsWith(runId));
    await page.waitForSelector('.facts >> text=fork of');
    await completed();
    expect(problems).toEqual([]);
  }, 60_000);
});
