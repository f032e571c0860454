import { describe, expect, it } from 'vitest';
import { Channel, type OutStream } from '../../../src/cli/output.js';
import { describeChanges, ProgressView, renderProgress } from '../../../src/cli/progress.js';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { foldRunStatus } from '../../../src/projections/status.js';

// The live progress of `aigen run`, in-process: what a terminal gets (redrawn in place) and what a
// pipe gets (plain lines, no escape sequences).
const meta = (at: number, actorId?: string) => ({ runId: 'r1', recordedAt: new Date(1_000_000 + at).toISOString(), schemaVersion: 1, ...(actorId ? { actorId } : {}) });
let position = 0;
const ev = (type: string, data: unknown, at: number, actorId?: string): RecordedEvent => ({
  eventId: `e${position}`,
  streamId: 'run-r1',
  streamPosition: position,
  globalPosition: String(++position),
  type,
  data,
  metadata: meta(at, actorId),
});
const usage = { requests: 1, inputTokens: 100, outputTokens: 250, totalTokens: 350 };
const events = [
  ev('RunStarted', { runId: 'r1', workflow: { name: 'content_generation', kind: 'sequential', version: '1', definition: {} }, input: 'AI', options: { maxRetries: 3, retryDelayMs: 5000, maxTurns: 80 }, model: 'offline', traceId: 't' }, 0),
  ev('TaskSent', { stepId: '1-research', agentId: 'research', input: 'AI', attempt: 1 }, 1, 'research'),
  ev('Transitioned', { actorId: 'research', from: null, to: 'working', event: 'xstate.init' }, 1, 'research'),
  ev('Transitioned', { actorId: 'workflow', from: null, to: 'research', event: 'xstate.init' }, 1, 'workflow'),
  ev('StepCompleted', { stepId: '1-research', agentId: 'research', output: 'findings', usage, attempt: 1 }, 400, 'research'),
  ev('TaskSent', { stepId: '2-writer', agentId: 'writer', input: 'findings', attempt: 1 }, 401, 'writer'),
  ev('Transitioned', { actorId: 'writer', from: null, to: 'working', event: 'xstate.init' }, 401, 'writer'),
  ev('Transitioned', { actorId: 'research', from: 'working', to: 'done', event: 'done' }, 401, 'research'),
  ev('Transitioned', { actorId: 'workflow', from: 'research', to: 'writer', event: 'done' }, 401, 'workflow'),
];
const plainStyle = new Channel({ write: () => true }, {}).style;

function capture(tty: boolean): { stream: OutStream; text: () => string } {
  let text = '';
  return {
    stream: { isTTY: tty, columns: 100, write: (chunk: string) => ((text += chunk), true) },
    text: () => text,
  };
}

describe('run progress', () => {
  it('renders the workflow state and each agent actor with state, time and tokens', () => {
    const status = foldRunStatus(events);
    const lines = renderProgress(status, 1_000_000 + 1_400, plainStyle, 0, 1_400);
    expect(lines[0]).toMatch(/content_generation\s+running\s+1\.4s\s+350 tokens/);
    expect(lines[1]).toMatch(/workflow\s+writer/);
    expect(lines[2]).toMatch(/✓\s+research\s+done\s+399ms\s+350 tokens/);
    expect(lines[3]).toMatch(/writer\s+working\s+999ms/);
  });

  it('describes changes as plain lines without a terminal', () => {
    const before = foldRunStatus(events.slice(0, 4));
    const after = foldRunStatus(events);
    expect(describeChanges(before, after, plainStyle)).toEqual(['✓ research done in 399ms, 350 tokens', '▸ writer started']);
  });

  it('redraws in place on a terminal and prints plain lines on a pipe', () => {
    const tty = capture(true);
    const view = new ProgressView(new Channel(tty.stream, {}), 'animate');
    view.update(foldRunStatus(events.slice(0, 4)));
    view.update(foldRunStatus(events));
    view.stop();
    expect(tty.text()).toContain('\x1b[4F'); // moved up over the previous 4-line block
    expect(tty.text()).toContain('\x1b[?25h'); // cursor shown again

    const pipe = capture(false);
    const lines = new ProgressView(new Channel(pipe.stream, {}), 'lines');
    lines.update(foldRunStatus(events.slice(0, 4)));
    lines.update(foldRunStatus(events));
    lines.stop();
    expect(pipe.text()).not.toContain('\x1b');
    expect(pipe.text().split('\n').filter(Boolean)).toEqual(['  ▸ research started', '  ✓ research done in 399ms, 350 tokens', '  ▸ writer started']);
  });

  it('on a terminal, shows the running step\'s model output growing under its line; the step\'s end removes it', () => {
    const tty = capture(true);
    const view = new ProgressView(new Channel(tty.stream, {}), 'animate');
    const running = foldRunStatus(events);
    const delta = (text: string, index: number) =>
      ({ type: 'delta', runId: 'r1', stepId: '2-writer', callId: '2-writer.1.1', agentId: 'writer', text, index }) as const;
    view.update(running);
    view.delta(delta('Tides rise ', 0));
    view.update(running);
    const first = tty.text().length;
    view.delta(delta('and fall twice a day.', 11));
    view.update(running);
    // eslint-disable-next-line no-control-regex
    const plain = (t: string) => t.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const frames = tty.text();
    expect(plain(frames.slice(0, first))).toMatch(/writer\s+working[^\n]*\n\s+Tides rise\s*\n/);
    expect(frames.slice(0, first)).not.toContain('and fall');
    // The next frame: the writer's line, then its text so far beneath it.
    expect(plain(frames.slice(first))).toMatch(/writer\s+working[^\n]*\n\s+Tides rise and fall twice a day\.\n/);
    const done = foldRunStatus([
      ...events,
      ev('StepCompleted', { stepId: '2-writer', agentId: 'writer', output: 'Tides rise and fall twice a day.', usage, attempt: 1 }, 900, 'writer'),
    ]);
    const before = tty.text().length;
    view.update(done);
    view.stop();
    expect(tty.text().slice(before)).not.toContain('Tides rise');
  });

  it('keeps the last three lines of a long step output, wrapped to the terminal', () => {
    const status = foldRunStatus(events);
    const live = new Map([['2-writer', 'one\ntwo\nthree\nfour\n' + 'x'.repeat(30)]]);
    const lines = renderProgress(status, 1_000_000 + 1_400, plainStyle, 0, 1_400, live, 26);
    const at = lines.findIndex((l) => /writer\s+working/.test(l));
    expect(lines.slice(at + 1).map((l) => l.trim())).toEqual(['four', 'x'.repeat(20), 'x'.repeat(10)]);
  });
});
