import { expect } from 'vitest';
import type { Received } from '../server/sseClient.js';
import { finished, start, waitForLine, type Sandbox } from '../cli/helpers.js';

/** The fields of a delta message the checks read. */
export interface DeltaData { callId: string; text: string; index: number; snapshot?: boolean }

/** The assistant text of a recorded ModelResponded's data. */
export function respondedText(data: unknown): string {
  const output = (data as { response: { output: Array<{ type: string; content?: Array<{ text?: string }> }> } }).response.output;
  return output.flatMap((o) => (o.type === 'message' ? (o.content ?? []).map((c) => c.text ?? '') : [])).join('');
}

/**
 * Apply SSE deltas as a client does (a snapshot replaces what it had of the call); check each
 * continues its call's text by offset and sits inside its call (after ModelCalled, unless the
 * reader arrived mid-call: then it starts with a snapshot), and that each answered call's text
 * equals its recorded output. Returns how many answers were checked.
 */
export function expectStreamedAnswers(got: readonly Received[]): number {
  const open = new Set<string>();
  const texts = new Map<string, string>();
  let answers = 0;
  for (const m of got) {
    const inner = (m.data as { data?: { callId?: string } }).data;
    if (m.type === 'ModelCalled') open.add(inner!.callId!);
    if (m.type === 'delta') {
      const d = m.data as unknown as DeltaData;
      expect(open.has(d.callId) || (d.snapshot === true && !texts.has(d.callId)), `delta of ${d.callId} outside its call`).toBe(true);
      open.add(d.callId);
      const have = d.snapshot ? '' : (texts.get(d.callId) ?? '');
      expect(d.index).toBe(have.length);
      texts.set(d.callId, have + d.text);
    }
    if (m.type === 'ModelResponded') {
      open.delete(inner!.callId!);
      expect(texts.get(inner!.callId!), `streamed text of ${inner!.callId}`).toBe(respondedText(inner));
      answers += 1;
    }
  }
  return answers;
}

/**
 * Start `aigen serve` on a free port, not executing runs itself (`--no-worker`), so every run it
 * shows is executed by another process; its URL and a stop function (SIGTERM, then wait for the exit).
 */
export async function startServe(sb: Sandbox, env: NodeJS.ProcessEnv = {}): Promise<{ url: string; stop: () => Promise<unknown> }> {
  const server = start(['serve', '--port', '0', '--json', '--no-worker'], { sb, env });
  const done = finished(server);
  const url = (await waitForLine(server.stdout, /"url":"([^"]+)"/, 90_000))[1]!;
  return { url, stop: () => (server.kill('SIGTERM'), done) };
}
