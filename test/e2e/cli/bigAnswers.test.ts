import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunJson } from '../../../src/cli/commands/run.js';
import { MAX_EVENT_BYTES } from '../../../src/events/envelope.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import type { RunStatus } from '../../../src/projections/status.js';
import { openStore } from '../../../src/store/openStore.js';
import { say } from '../../../src/testing/scriptedModel.js';
import { startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { aigen, json, sandbox, type Sandbox } from './helpers.js';

// Model answers larger than the old 1 MiB event limit are recorded; answers over the 16 MiB
// limit fail their step for good, recorded, and are never asked for again.
const BIG = `${'Long document. '.repeat(200_000)}THE END`; // ~3 MB
const HUGE = 'y'.repeat(MAX_EVENT_BYTES + 1024);
let sb: Sandbox;
let stub: OpenAIStub;
beforeAll(async () => {
  sb = sandbox();
  stub = await startOpenAIStub({ responses: (req) => say(JSON.stringify(req.body).includes('Huge please') ? HUGE : BIG) });
});
afterAll(async () => {
  await stub.close();
  sb.cleanup();
});

async function events(runId: string): Promise<RecordedEvent[]> {
  const store = await openStore(sb.store);
  const out: RecordedEvent[] = [];
  try {
    for await (const e of store.readStream(`run-${runId}`)) out.push(e);
  } finally {
    await store.close();
  }
  return out;
}

describe('model answers larger than 1 MiB', { timeout: 240_000 }, () => {
  const env = () => ({ OPENAI_API_KEY: 'test-key-123456', OPENAI_BASE_URL: stub.baseURL, AIGEN_TRACE_EXPORT: '0' });

  it('a 3 MB answer completes the run, is recorded and replays', async () => {
    const r = await aigen(['run', 'research,writer', 'Big please', '--model', 'gpt-4.1-mini', '--json'], { sb, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const run = json<RunJson>(r);
    expect(run.status).toBe('completed');
    expect(run.result === BIG).toBe(true);
    const responded = (await events(run.runId)).find((e) => e.type === 'ModelResponded');
    expect(JSON.stringify(responded?.data)).toContain('THE END');
    const calls = stub.requests.length;
    const replayed = await aigen(['replay', run.runId, '--workflow', 'research,writer', '--json'], { sb, env: env() });
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(stub.requests.length).toBe(calls);
  });

  it('an answer over the limit fails the step, recorded and not retried; resume does not call the model', async () => {
    const before = stub.requests.length;
    const r = await aigen(['run', 'writer', 'Huge please', '--model', 'gpt-4.1-mini', '--json', '--retry-delay', '0'], { sb, env: env() });
    expect(r.code, r.stderr).toBe(1);
    const run = json<RunJson>(r);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/ModelResponded is \d+ bytes serialised; the limit is \d+ bytes/);
    expect(stub.requests.length - before).toBe(1);
    const recorded = await events(run.runId);
    expect(recorded.find((e) => e.type === 'ModelFailed')?.data).toMatchObject({ error: { code: 'EVENT_TOO_LARGE' }, retryable: false });
    expect(recorded.filter((e) => e.type === 'StepFailed').map((e) => e.data)).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: 'EVENT_TOO_LARGE' }), willRetry: false }),
    ]);
    expect(recorded.at(-1)?.type).toBe('RunFailed');
    const status = json<RunStatus>(await aigen(['status', run.runId, '--json'], { sb }));
    expect(status.status).toBe('failed');
    await aigen(['resume', run.runId], { sb, env: env() });
    await aigen(['resume', '--all'], { sb, env: env() });
    expect(stub.requests.length - before).toBe(1);
  });
});
