import { describe, expect, it } from 'vitest';
import { createAgent, DeterministicWorkflow, ParallelWorkflow } from '../../../src/index.js';
import { runEvents } from '../server/helpers.js';
import { hasChromium, uiSession } from './browser.js';

describe.skipIf(!hasChromium)('the run page while it follows a run that goes on', () => {
  // Each model call takes 2.5 s: the run's own stream stays quiet while a call or a branch works.
  const ui = uiSession({ latencyMs: 2500 });

  it('the duration grows during a long model call, and a parallel branch\'s steps show in the trace as they end, before the branch does', async () => {
    // North's research ends at 2.5 s; the run's own stream is quiet from then until south ends at 5 s.
    const desk = (name: string, ...agents: string[]) => new DeterministicWorkflow({ name, agents: agents.map((a) => createAgent(a)) });
    const workflow = new ParallelWorkflow({
      name: 'two_desks',
      branches: { north: desk('north_desk', 'research', 'writer', 'editor'), south: desk('south_desk', 'technical_writer', 'editor') },
      aggregator: createAgent('editor'),
    });
    const runId = await ui.t.engine.start(workflow, 'Tides');
    const page = await ui.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${ui.server.url}/runs/${runId}`, { waitUntil: 'load' });
    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 20_000 }).toBe('running');

    // No event arrives during a model call, and the wall clock still moves.
    const wall = async () => ((await page.locator('[data-testid=run-duration]').textContent()) ?? '').split('·')[1]?.trim();
    const first = await wall();
    await expect.poll(wall, { timeout: 10_000 }).not.toBe(first);

    // The north branch's research step ended: the trace shows it done while the branch goes on.
    const child = () => runEvents(ui.t.store, runId).then((es) => es.find((e) => e.type === 'ChildRunStarted' && (e.data as { branch: string }).branch === 'north'));
    await expect.poll(async () => (await child()) !== undefined, { timeout: 20_000 }).toBe(true);
    const northId = ((await child())!.data as { childRunId: string }).childRunId;
    await expect.poll(async () => (await runEvents(ui.t.store, northId)).some((e) => e.type === 'StepCompleted'), { timeout: 20_000 }).toBe(true);
    const research = page.locator('[data-testid=trace] .wf-row', { has: page.locator('.kind-step') }).filter({ hasText: 'research' });
    await expect.poll(async () => (await research.count()) === 1 && !(await research.getAttribute('class'))!.includes('running'), { timeout: 5_000 }).toBe(true);
    // Seen while the run's own stream had nothing newer than the branches' starts.
    expect((await runEvents(ui.t.store, runId)).some((e) => e.type === 'ChildRunFinished')).toBe(false);

    await expect.poll(() => page.locator('[data-testid=run-status]').textContent(), { timeout: 30_000 }).toBe('completed');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
