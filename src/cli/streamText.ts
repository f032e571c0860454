import type { ModelDelta } from '../journal/deltas.js';
import type { Channel } from './output.js';

/**
 * `aigen run --stream`: model text on stdout as it arrives. Each step's text starts on a line of
 * its own, after a blank line when other text came before, and stderr names the agent; a new
 * attempt of a step (a retry) says so. Tool-call arguments are not printed.
 */
export class TextStreamer {
  private callId: string | undefined;
  private stepId: string | undefined;
  private wrote = false;
  private endsWithNewline = true;

  constructor(
    private readonly out: Channel,
    private readonly err: Channel,
  ) {}

  delta(d: ModelDelta): void {
    if (d.toolCall || d.text === '') return;
    if (d.callId !== this.callId) {
      const again = d.stepId === this.stepId;
      if (this.wrote) this.out.write(this.endsWithNewline ? '\n' : '\n\n');
      this.err.line(this.err.style.dim(`▸ ${d.agentId}${again ? ' (again)' : ''}`));
      this.callId = d.callId;
      this.stepId = d.stepId;
    }
    this.out.write(d.text);
    this.wrote = true;
    this.endsWithNewline = d.text.endsWith('\n');
  }

  /** End the text with a newline, so the summary on stderr starts on a line of its own. */
  finish(): void {
    if (this.wrote && !this.endsWithNewline) this.out.write('\n');
    this.endsWithNewline = true;
  }
}
