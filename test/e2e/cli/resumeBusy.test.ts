import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { say } from '../../../src/testing/index.js';
import { after, hang, startOpenAIStub } from '../../support/openaiStub.js';
import { aigen, finished, runStartedWith, sandbox, start, storedEvents, type Sandbox } from './helpers.js';

// `aigen resume` across processes: a run whose process is alive is not taken over, and of two
// resumes of a dead run exactly one continues it.
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

const eventsOf = (runId: string) => storedEvents(sb, runId);

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

const stepIds = (events: RecordedEvent[]) => events.filter((e) => e.type === 'StepCompleted').map((e) => (e.data as { stepId: string }).stepId);

describe('resume and live runs', () => {
  it('refuses with RUN_BUSY while the run’s own process is working on it; that process completes it', async () => {
    // The server holds the writer's answer until the resumes have been refused.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const stub = await startOpenAIStub({ responses: (req) => (req.index === 1 ? after(released, say('Draft.')) : say('Text.')) });
    try {
      const env = { OPENAI_API_KEY: 'sk-test-0123456789abcdef', OPENAI_BASE_URL: stub.baseURL };
      const run = start(['run', 'content_generation', 'Busy run', '--model', 'gpt-4.1-mini'], { sb, env });
      const ran = finished(run);
      const runId = await runStartedWith(sb.store, 'Busy run', 120_000);
      await until(() => stub.requests.length >= 2);
      const resumed = await aigen(['resume', runId], { sb, env });
      // RUN_BUSY is a user error: exit 2, one line naming the live process.
      expect(resumed.code, resumed.stderr).toBe(2);
      expect(resumed.stderr).toMatch(/run [0-9a-f-]+ is busy: its process \d+ on .+ is still running it/);
      const all = await aigen(['resume', '--all', '--json'], { sb, env });
      expect(all.code, all.stderr).toBe(0);
      expect(JSON.parse(all.stdout)).toEqual([expect.objectContaining({ runId, status: 'busy' })]);
      release();
      const original = await ran;
      expect(original.code, original.stderr).toBe(0);
      const events = await eventsOf(runId);
      expect(events.filter((e) => e.type === 'RunResumed')).toEqual([]);
      expect(events.at(-1)?.type).toBe('RunCompleted');
      expect(stepIds(events)).toEqual(['1-research', '2-writer', '3-editor']);
      expect(stub.requests).toHaveLength(3);
    } finally {
      release();
      await stub.close();
    }
  }, 300_000);

  it('of two resumes of a SIGKILLed run exactly one wins: one RunResumed, each step once, no extra model call', async () => {
    // The server never answers the first writer request: the kill lands while the run waits on it.
    // The resumed writer request is held until one resume has given up, so both race for the run.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const stub = await startOpenAIStub({
      responses: (req) => (req.index === 1 ? hang() : req.index === 2 ? after(released, say('Some text about the topic.')) : say('Some text about the topic.')),
    });
    try {
      const env = { OPENAI_API_KEY: 'sk-test-0123456789abcdef', OPENAI_BASE_URL: stub.baseURL };
      const run = start(['run', 'content_generation', 'Killed run', '--model', 'gpt-4.1-mini'], { sb, env });
      const ran = finished(run);
      const runId = await runStartedWith(sb.store, 'Killed run', 120_000);
      await until(() => stub.requests.length >= 2);
      run.kill('SIGKILL');
      await ran;
      const before = await eventsOf(runId);
      expect(before.some((e) => e.type === 'RunCompleted')).toBe(false);
      const resumes = [finished(start(['resume', runId, '--json'], { sb, env })), finished(start(['resume', runId, '--json'], { sb, env }))] as const;
      void Promise.race(resumes).then(release);
      const [a, b] = await Promise.all(resumes);
      const outcomes = [a, b].map((r) => ({ code: r.code, out: r.stdout, err: r.stderr }));
      const winners = outcomes.filter((o) => o.code === 0);
      const losers = outcomes.filter((o) => o.code !== 0);
      expect(winners, JSON.stringify(outcomes)).toHaveLength(1);
      expect(JSON.parse(winners[0]!.out)).toMatchObject({ runId, status: 'completed' });
      expect(losers[0]!.code).toBe(2);
      expect(losers[0]!.err).toMatch(/run [0-9a-f-]+ is busy/);
      const after = await eventsOf(runId);
      expect(after.slice(0, before.length)).toEqual(before);
      expect(after.filter((e) => e.type === 'RunResumed')).toHaveLength(1);
      expect(stepIds(after)).toEqual(['1-research', '2-writer', '3-editor']);
      // Every request that reached the server is on record, except the one the kill cut off.
      const called = after.filter((e) => e.type === 'ModelCalled').length;
      expect(stub.requests.length).toBe(called + 1);
    } finally {
      release();
      await stub.close();
    }
  }, 300_000);
});
