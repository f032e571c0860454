import { Agent } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { DeterministicWorkflow } from '../../../src/index.js';
import { fail, say, ScriptedModel } from '../../../src/testing/index.js';
import { hasChromium, uiSession } from './browser.js';

const FINDINGS = [
  '# Tides',
  '',
  'The **Moon** pulls the sea; see [NOAA](https://oceanservice.noaa.gov/) and [this](javascript:alert(1)).',
  '',
  '- spring tides',
  '- neap tides',
  '',
  'Raw markup stays text: <b>not bold</b> <img src=x onerror="window.__xss=1">',
].join('\n');

describe.skipIf(!hasChromium)('how the run page shows how a run ended', () => {
  const ui = uiSession({ latencyMs: 0 });

  it('a partial run says so and why, and its Markdown output is rendered without running any of its markup', async () => {
    // research answers in Markdown; writer's model is down, so the run ends with research's content.
    const research = new Agent({ name: 'research', model: new ScriptedModel(() => say(FINDINGS)) });
    const writer = new Agent({ name: 'writer', model: new ScriptedModel(() => fail('the writer model is down')) });
    const workflow = new DeterministicWorkflow({ name: 'tides_partial', agents: [research, writer] });
    const runId = await ui.t.engine.start(workflow, 'Tides');
    expect((await ui.t.engine.wait(runId)).status).toBe('partial');

    const page = await ui.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${ui.server.url}/runs/${runId}`, { waitUntil: 'load' });
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 20_000 }).toBe('partial');
    expect(await page.locator('[data-testid=partial-reason]').textContent()).toMatch(/step 2-writer failed .*the writer model is down.*content made before it/);
    expect(await page.locator('.output-block.final summary').textContent()).toBe('Run output (partial)');

    const output = page.locator('[data-testid=run-output]');
    expect(await output.locator('h1').textContent()).toBe('Tides');
    expect(await output.locator('strong').textContent()).toBe('Moon');
    expect(await output.locator('li').allTextContents()).toEqual(['spring tides', 'neap tides']);
    // A web link opens apart from the page; a script link is not a link at all.
    expect(await output.locator('a').count()).toBe(1);
    expect(await output.locator('a').getAttribute('href')).toBe('https://oceanservice.noaa.gov/');
    expect(await output.locator('a').getAttribute('rel')).toBe('noopener noreferrer');
    expect(await output.textContent()).toContain('<b>not bold</b>');
    expect(await output.locator('b, img, script').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    // The statechart has the partial end, reached from writer only (research's failure fails the run).
    await page.locator('g.st[data-state-id="tides_partial.partial"].active').waitFor({ timeout: 20_000 });
    const def = (await (await fetch(`${ui.server.url}/api/runs/${runId}/definition`)).json()) as {
      definition: { root: string; machines: Record<string, { root: { states: Record<string, { transitions: Array<{ targets: string[] }> }> } }> };
    };
    const states = def.definition.machines[def.definition.root]!.root.states;
    const targets = (key: string) => states[key]!.transitions.flatMap((t) => t.targets);
    expect(targets('research')).not.toContain('tides_partial.partial');
    expect(targets('writer')).toContain('tides_partial.partial');
    expect(problems).toEqual([]);
    await page.close();
  });
});
