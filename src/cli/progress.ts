import type { ModelDelta } from '../journal/deltas.js';
import type { RunStatus, StepView } from '../projections/status.js';
import { formatDuration, formatState, formatTokens, oneLine, paintStatus, statusMark, table } from './format.js';
import type { Channel, Styles } from './output.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function stepElapsed(step: StepView, now: number): number | undefined {
  return step.durationMs ?? Math.max(0, now - Date.parse(step.startedAt));
}

/**
 * The live block of `aigen run` in a terminal: the workflow's state, then one line per agent
 * actor with its state, attempts, elapsed time and tokens. Pure: the caller redraws it.
 */
export function renderProgress(
  s: RunStatus,
  now: number,
  style: Styles,
  frame = 0,
  elapsedMs?: number,
  live?: ReadonlyMap<string, string>,
  width = 100,
): string[] {
  const spin = style.cyan(SPINNER[frame % SPINNER.length] ?? '·');
  const ended = s.endedAt !== undefined;
  const elapsed = elapsedMs ?? s.durationMs ?? Math.max(0, now - Date.parse(s.startedAt));
  const head = [
    ended ? statusMark(s.status, style) : spin,
    style.bold(s.workflow),
    paintStatus(s.status, style),
    formatDuration(elapsed),
    formatTokens(s.usage),
  ]
    .filter(Boolean)
    .join('  ');
  const rows: string[][] = [];
  /** Lines shown under a row: the live text of a running step. */
  const below = new Map<number, string[]>();
  const workflowState = s.states.workflow;
  if (workflowState !== undefined) rows.push([style.dim('◆'), 'workflow', formatState(workflowState), '', '', '']);
  for (const step of s.steps) {
    const actorState = s.states[step.actorId ?? step.agentId];
    const running = step.status === 'running';
    rows.push([
      running && !ended ? spin : statusMark(step.status, style),
      step.agentId,
      paintStatus(actorState === undefined ? step.status : formatState(actorState), style),
      step.attempts > 1 ? `attempt ${step.attempts}` : '',
      formatDuration(stepElapsed(step, now)),
      formatTokens(step.usage),
    ]);
    const text = running && !ended ? live?.get(step.stepId) : undefined;
    if (text) below.set(rows.length - 1, liveLines(text, width - 6).map((l) => `      ${style.dim(l)}`));
  }
  for (const child of s.childRuns) {
    rows.push([statusMark(child.status, style), child.branch, paintStatus(child.status, style), style.dim('child run'), '', '']);
  }
  const lines = table(rows, { indent: '  ' });
  return [head, ...lines.flatMap((line, i) => [line, ...(below.get(i) ?? [])])];
}

/** How many lines of a running step's text the progress block shows. */
const LIVE_LINES = 3;

/** The last {@link LIVE_LINES} lines of `text`, wrapped at `width` characters. */
export function liveLines(text: string, width: number): string[] {
  const w = Math.max(10, width);
  const wrapped: string[] = [];
  for (const para of text.split('\n').slice(-LIVE_LINES)) {
    const line = para.replace(/\s+/g, ' ');
    if (line === '') wrapped.push('');
    for (let i = 0; i < line.length; i += w) wrapped.push(line.slice(i, i + w));
  }
  while (wrapped.length > 0 && wrapped[0] === '') wrapped.shift();
  return wrapped.slice(-LIVE_LINES);
}

/** Lines describing what changed between two status views (for logs without a terminal). */
export function describeChanges(prev: RunStatus | undefined, next: RunStatus, style: Styles): string[] {
  const lines: string[] = [];
  for (const step of next.steps) {
    const before = prev?.steps.find((x) => x.stepId === step.stepId);
    if (before && before.status === step.status && before.attempts === step.attempts) continue;
    switch (step.status) {
      case 'running':
        lines.push(`${style.cyan('▸')} ${step.agentId} ${step.attempts > 1 ? `attempt ${step.attempts}` : 'started'}`);
        break;
      case 'retrying':
        lines.push(`${style.yellow('↻')} ${step.agentId} failed (${oneLine(step.error?.message ?? 'error', 100)}), retrying`);
        break;
      case 'completed':
        lines.push(
          `${style.green('✓')} ${step.agentId} done in ${formatDuration(step.durationMs)}${step.usage.totalTokens ? `, ${formatTokens(step.usage)}` : ''}`,
        );
        break;
      case 'failed':
        lines.push(`${style.red('✗')} ${step.agentId} failed: ${oneLine(step.error?.message ?? 'error', 100)}`);
        break;
    }
  }
  for (const h of next.handoffs.slice(prev?.handoffs.length ?? 0)) lines.push(`${style.cyan('→')} handoff ${h.from} → ${h.to}`);
  if (next.branch && !prev?.branch) lines.push(`${style.cyan('⑂')} branch ${next.branch.branch}: ${oneLine(next.branch.reason, 100)}`);
  for (const child of next.childRuns) {
    const before = prev?.childRuns.find((c) => c.childRunId === child.childRunId);
    if (before?.status === child.status) continue;
    lines.push(`${statusMark(child.status, style)} branch ${child.branch} ${child.status === 'running' ? 'started' : child.status}`);
  }
  return lines;
}

/**
 * Shows a run's progress on stderr: redrawn in place (about 10 times a second) on a terminal,
 * one line per change otherwise, nothing at all in JSON mode.
 */
export class ProgressView {
  private last: RunStatus | undefined;
  /** The text so far of each running step (animated mode only). */
  private readonly live = new Map<string, string>();
  private drawn = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly channel: Channel,
    private readonly mode: 'animate' | 'lines' | 'off',
    private readonly startedAt = Date.now(),
  ) {
    if (mode === 'animate') {
      this.channel.write('\x1b[?25l');
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
  }

  /** Model output as it is generated: shown under its step while the step runs (on a terminal). */
  delta(d: ModelDelta): void {
    if (this.mode !== 'animate' || this.stopped || d.toolCall) return;
    const text = (d.snapshot ? '' : (this.live.get(d.stepId) ?? '')) + d.text;
    this.live.set(d.stepId, text.length > 4000 ? text.slice(-4000) : text);
  }

  update(status: RunStatus): void {
    if (this.stopped) return;
    for (const stepId of this.live.keys()) {
      if (status.steps.find((x) => x.stepId === stepId)?.status !== 'running') this.live.delete(stepId);
    }
    if (this.mode === 'lines') for (const line of describeChanges(this.last, status, this.channel.style)) this.channel.line(`  ${line}`);
    this.last = status;
    if (this.mode === 'animate') this.draw();
  }

  /** Draw the final state (on a terminal) and stop animating. */
  stop(final?: RunStatus): void {
    if (this.stopped) return;
    if (final) this.update(final);
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.mode === 'animate') {
      this.draw(true);
      this.channel.write('\x1b[?25h');
    }
  }

  private draw(force = false): void {
    if ((this.stopped && !force) || !this.last) return;
    const ended = this.last.endedAt !== undefined;
    const elapsed = ended ? this.last.durationMs : Date.now() - this.startedAt;
    const width = this.channel.columns - 1;
    const lines = renderProgress(this.last, Date.now(), this.channel.style, this.frame++, elapsed, this.live, width).map((l) => clip(l, width));
    let out = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    for (const line of lines) out += `\x1b[2K${line}\n`;
    out += '\x1b[J';
    this.drawn = lines.length;
    this.channel.write(out);
  }
}

// Cut a line to the terminal width, keeping ANSI escapes intact, so a redraw never wraps.
function clip(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\x1b') {
      const end = line.indexOf('m', i);
      if (end > 0) {
        out += line.slice(i, end + 1);
        i = end;
        continue;
      }
    }
    if (visible >= width) continue;
    out += ch;
    visible++;
  }
  return out;
}
