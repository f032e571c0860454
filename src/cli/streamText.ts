import type { ModelDelta } from '../journal/deltas.js';
import type { Channel } from './output.js';

interface CallText {
  runId: string;
  agentId: string;
  stepId: string;
  text: string;
  ended: boolean;
}

/**
 * `aigen run --stream`: model text on stdout as it arrives, one call at a time. Each call's text
 * starts on a line of its own, after a blank line when other text came before, and stderr names
 * the agent (`(again)` for another call of the same step, e.g. a retry). Calls that run at the
 * same time (parallel branches) do not interleave: the text of a call that is not the one being
 * shown is held until that one ends, then printed and followed live. Tool-call arguments are not
 * printed.
 */
export class TextStreamer {
  private current: string | undefined;
  private lastStep: string | undefined;
  /** Calls with text waiting their turn, in the order they started. */
  private readonly waiting = new Map<string, CallText>();
  private wrote = false;
  private endsWithNewline = true;

  constructor(
    private readonly out: Channel,
    private readonly err: Channel,
  ) {}

  delta(d: ModelDelta): void {
    if (d.toolCall || d.text === '') return;
    const key = `${d.runId}\u0000${d.callId}`;
    if (this.current === undefined) this.show(key, d);
    if (key === this.current) {
      this.write(d.text);
      return;
    }
    const held = this.waiting.get(key) ?? { runId: d.runId, agentId: d.agentId, stepId: d.stepId, text: '', ended: false };
    held.text += d.text;
    this.waiting.set(key, held);
  }

  /** A call ended: show the next waiting one (its text so far, then live). */
  end(runId: string, callId: string): void {
    const key = `${runId}\u0000${callId}`;
    const held = this.waiting.get(key);
    if (held) held.ended = true;
    if (key !== this.current) return;
    this.current = undefined;
    for (const [next, call] of this.waiting) {
      this.waiting.delete(next);
      this.show(next, call);
      this.write(call.text);
      if (!call.ended) return;
      this.current = undefined;
    }
  }

  /** End the text with a newline, so the summary on stderr starts on a line of its own. */
  finish(): void {
    for (const [key, call] of this.waiting) {
      this.waiting.delete(key);
      this.show(key, call);
      this.write(call.text);
    }
    if (this.wrote && !this.endsWithNewline) this.out.write('\n');
    this.endsWithNewline = true;
  }

  private show(key: string, call: { runId: string; agentId: string; stepId: string }): void {
    if (this.wrote) this.out.write(this.endsWithNewline ? '\n' : '\n\n');
    const step = `${call.runId}\u0000${call.stepId}`;
    this.err.line(this.err.style.dim(`▸ ${call.agentId}${step === this.lastStep ? ' (again)' : ''}`));
    this.current = key;
    this.lastStep = step;
  }

  private write(text: string): void {
    if (text === '') return;
    this.out.write(text);
    this.wrote = true;
    this.endsWithNewline = text.endsWith('\n');
  }
}
