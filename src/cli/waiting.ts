import type { PendingDecision } from '../app/waits.js';
import type { CliContext } from './context.js';
import { formatAgo, oneLine, printable, shortId, table } from './format.js';

/** The content to approve on one line (text as it is, anything else as JSON). */
export function contentLine(content: unknown, max = 120): string {
  if (content === undefined) return '';
  return oneLine(printable(typeof content === 'string' ? content : JSON.stringify(content)), max);
}

/** What a pending decision is, in a few words: `approval of tool issue_refund`, `signal payment`. */
export function describePending(p: Pick<PendingDecision, 'kind' | 'name'>): string {
  if (p.kind === 'tool') return `approval of tool call ${p.name}`;
  if (p.kind === 'step') return `approval ${p.name}`;
  return `signal ${p.name}`;
}

/**
 * Say on stderr that a run parked: what it waits for, the content to approve, and the commands
 * that decide (`aigen approve`, `aigen reject`, `aigen signal`).
 */
export function printWaiting(ctx: CliContext, runId: string, pending: readonly PendingDecision[], storeFlag = ''): void {
  const { err } = ctx.output;
  const s = err.style;
  const id = shortId(runId);
  const many = pending.filter((p) => p.kind !== 'signal').length > 1;
  err.line();
  if (pending.length === 0) err.line(`${s.yellow('⏸ waiting')} for a timer ${s.dim('— a worker (aigen worker) continues the run when it is due')}`);
  for (const p of pending) {
    err.line(`${s.yellow('⏸ waiting')} for ${s.bold(describePending(p))}${p.prompt ? `: ${oneLine(printable(p.prompt), 100)}` : ''}`);
    const content = contentLine(p.content);
    if (content) err.line(`  ${s.dim(content)}`);
    if (p.dueAt) err.line(`  ${s.dim(`timeout ${p.dueAt}${p.onTimeout ? ` (then ${p.onTimeout})` : ''}`)}`);
  }
  err.line(`run ${s.bold(runId)} ${s.dim('(it holds no process while it waits)')}`);
  const rows: string[][] = [];
  for (const p of pending) {
    const which = many ? ` ${p.id}` : '';
    if (p.kind === 'signal') rows.push([s.cyan(`aigen signal ${id} ${p.name} '<json>'${storeFlag}`), s.dim('send the signal')]);
    else {
      rows.push([s.cyan(`aigen approve ${id}${which}${storeFlag}`), s.dim(p.kind === 'step' ? 'approve (--edit FILE: an edited version)' : 'approve the tool call')]);
      rows.push([s.cyan(`aigen reject ${id}${which} --reason '…'${storeFlag}`), s.dim(p.kind === 'step' ? 'reject: the step fails' : 'reject: the model gets the reason')]);
    }
  }
  rows.push([s.cyan(`aigen approvals${storeFlag}`), s.dim('what every run waits for')]);
  err.line(table(rows, { indent: '  ' }).join('\n'));
}

/** Rows of `aigen approvals`: run, step, kind, name, prompt, content, since, timeout. */
export function pendingRows(pending: readonly PendingDecision[], now = Date.now()): string[][] {
  return pending.map((p) => [
    shortId(p.runId),
    p.stepId,
    p.kind,
    p.name,
    oneLine(printable(p.prompt ?? ''), 40),
    contentLine(p.content, 50),
    formatAgo(p.since, now),
    p.dueAt ? `${p.dueAt}${p.onTimeout ? ` → ${p.onTimeout}` : ''}` : '-',
  ]);
}
