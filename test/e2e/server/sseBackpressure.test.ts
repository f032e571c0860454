import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

/** Read SSE blocks from a body until `done` says so. */
async function readUntil(body: ReadableStream<Uint8Array>, done: (blocks: string[]) => boolean): Promise<string[]> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const blocks: string[] = [];
  let buffer = '';
  while (!done(blocks)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    buffer += value;
    const parts = buffer.split('\n\n');
    buffer = parts.pop() ?? '';
    blocks.push(...parts);
  }
  await reader.cancel();
  return blocks;
}

describe('a client that does not read', () => {
  it('never holds back publishing; the deltas queued for it are joined, so it costs the text, not a message per delta', async () => {
    const bus = t.engine.deltas.bus;
    const call = { runId: 'slow-reader-run', stepId: '1-writer', callId: '1-writer.1.1', agentId: 'writer' };
    bus.publish({ ...call, text: 'Start. ', index: 0 });
    // The call is under way when the client connects; the client then reads nothing for a while.
    const res = await t.app.request('/api/events', { headers: { Accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    let text = 'Start. ';
    for (let i = 0; i < 20_000; i++) {
      const piece = `word${i} `;
      bus.publish({ ...call, text: piece, index: text.length });
      text += piece;
    }
    // Publishing returned (it is synchronous and never waits for a reader); now the client reads.
    const received: string[] = [];
    const deltas = (blocks: string[]) => blocks.filter((b) => /^event: delta$/m.test(b));
    const joined = (blocks: string[]) => {
      received.length = 0;
      for (const b of deltas(blocks)) {
        const d = JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as { text: string; snapshot?: boolean };
        if (d.snapshot) received.length = 0;
        received.push(d.text);
      }
      return received.join('');
    };
    const blocks = await readUntil(res.body!, (b) => joined(b).length >= text.length);
    expect(received.join('')).toBe(text);
    // Far fewer messages than deltas published: the backlog was joined while the client did not read.
    expect(deltas(blocks).length).toBeLessThan(1000);
    bus.end(call.runId, call.callId);
  });
});
