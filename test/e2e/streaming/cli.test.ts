import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { say } from '../../../src/testing/index.js';
import { after, startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { aigen, finished, jsonLines, sandbox, start, waitForLine, type Sandbox } from '../cli/helpers.js';

// `aigen run --stream` and `aigen events --follow --deltas`, spawned as a user runs them.
const KEY = 'sk-test-stream-0123456789';
const RUN_ID = /run ([0-9a-f]{8}-[0-9a-f-]{27})/;
let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

function respondedText(e: RecordedEvent): string {
  const output = (e.data as { response: { output: Array<{ type: string; content?: Array<{ text?: string }> }> } }).response.output;
  return output.flatMap((o) => (o.type === 'message' ? (o.content ?? []).map((c) => c.text ?? '') : [])).join('');
}

const FINDINGS = 'Findings: tides follow the moon. The sun adds a smaller pull, and coastlines shape the rest.';
const ARTICLE = 'Tides, explained. Twice a day the sea climbs the shore and slips back again, pulled by the moon; '.repeat(3).trim();
const EDITED = 'Tides, explained (edited). Twice a day the sea climbs the shore and slips back.';

describe.each(['responses', 'chat_completions'] as const)('aigen run --stream over the %s API', (api) => {
  let stub: OpenAIStub;
  let firstTextSeen: () => void;
  beforeAll(async () => {
    const seen = new Promise<void>((resolve) => (firstTextSeen = resolve));
    // The writer's answer waits until the test has seen streamed text on stdout: the first text
    // provably comes out while the run is still going.
    stub = await startOpenAIStub({ streaming: { wordsPerChunk: 2, delayMs: 15 }, responses: [say(FINDINGS), after(seen, say(ARTICLE)), say(EDITED)] });
  });
  afterAll(() => stub.close());

  it('prints the text as it arrives, steps separated, summary on stderr; deltas join to the recorded output, none is stored; replay --verify matches', async () => {
    const env = { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: stub.baseURL, AIGEN_OPENAI_API: api };
    const run = start(['run', 'content_generation', 'Write about tides', '--stream', '--model', 'gpt-4.1-mini'], { sb, env });
    let stdout = '';
    run.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.includes('Findings: tides')) firstTextSeen();
    });
    const r = await finished(run);
    expect(r.code, r.stderr).toBe(0);
    expect(stdout).toBe(`${FINDINGS}\n\n${ARTICLE}\n\n${EDITED}\n`);
    expect(r.stderr).toMatch(/▸ research/);
    expect(r.stderr).toMatch(/▸ writer/);
    expect(r.stderr).toMatch(/▸ editor/);
    expect(r.stderr).toMatch(/✓ completed/);
    const runId = RUN_ID.exec(r.stderr)![1]!;
    const events = jsonLines((await aigen(['events', runId, '--json'], { sb })).stdout);
    expect(events.filter((e) => e.type === 'ModelResponded').map(respondedText)).toEqual([FINDINGS, ARTICLE, EDITED]);
    expect(events.some((e) => (e.type) === 'delta')).toBe(false);
    expect(stub.requests.filter((q) => q.api !== undefined).every((q) => q.stream)).toBe(true);
    const replay = await aigen(['replay', runId, '--verify'], { sb, env });
    expect(replay.code, replay.stderr).toBe(0);
  });
});

describe('aigen run --stream', () => {
  it('refuses --json with --stream (exit 2, one line)', async () => {
    const r = await aigen(['run', 'research', 'x', '--stream', '--json'], { sb });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--stream/);
  });
});

describe('aigen events --follow --deltas', () => {
  it('interleaves a running run\'s deltas with its events, from another process', async () => {
    const run = start(['run', 'research,writer', 'Follow my deltas'], { sb, env: { AIGEN_OFFLINE_LATENCY_MS: '1500' } });
    const ran = finished(run);
    const runId = (await waitForLine(run.stderr, RUN_ID))[1]!;
    const followed = await aigen(['events', runId.slice(0, 8), '--follow', '--deltas', '--json'], { sb });
    expect((await ran).code).toBe(0);
    expect(followed.code, followed.stderr).toBe(0);
    const items = jsonLines<Record<string, unknown> & { type: string }>(followed.stdout);
    expect(items.at(-1)?.type).toBe('RunCompleted');
    const texts = new Map<string, string>();
    const open = new Set<string>();
    for (const item of items) {
      const callId = (item.data as { callId?: string } | undefined)?.callId;
      if (item.type === 'ModelCalled') open.add(callId!);
      if (item.type === 'delta') {
        const d = item as unknown as { callId: string; text: string; index: number; snapshot?: boolean };
        expect(open.has(d.callId)).toBe(true);
        const have = d.snapshot ? '' : (texts.get(d.callId) ?? '');
        expect(d.index).toBe(have.length);
        texts.set(d.callId, have + d.text);
      }
      if (item.type === 'ModelResponded') {
        open.delete(callId!);
        expect(texts.get(callId!)).toBe(respondedText(item as unknown as RecordedEvent));
      }
    }
    expect(items.filter((i) => i.type === 'delta').length).toBeGreaterThan(10);
  });

  it('--deltas without --follow is a usage error', async () => {
    const r = await aigen(['events', 'whatever', '--deltas'], { sb });
    expect(r.code).toBe(2);
  });
});
