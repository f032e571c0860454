import type { RecordedEvent } from '../events/envelope.js';
import type { RunState } from '../projections/runStateTypes.js';
import { foldRunStatus } from '../projections/status.js';
import type { EventStore } from '../store/eventStore.js';
import { readRun } from './runs.js';

/**
 * One thing a run waits for that a person decides: an approval (of a tool call or of a
 * workflow step's output) or a signal. Timers are not listed: they fire by themselves.
 */
export interface PendingDecision {
  runId: string;
  workflow: string;
  /** `tool` and `step` are approvals (decided with approve / reject); `signal` waits for a signal. */
  kind: 'tool' | 'step' | 'signal';
  /** The approval id (approvals) or signal id (signals). */
  id: string;
  /** Tool name or step name (approvals), signal name (signals). */
  name: string;
  stepId: string;
  agentId?: string | undefined;
  prompt?: string | undefined;
  /** What to approve: the tool's arguments, or the previous step's output. */
  content?: unknown;
  /** The JSON Schema a signal's payload must match. */
  schema?: unknown;
  /** When the wait began (recording time of its request) and its stream position. */
  since: string;
  position: number;
  /** When a timeout decides it, and how. */
  dueAt?: string | undefined;
  onTimeout?: 'approve' | 'reject' | undefined;
}

/**
 * What one run waits for, from its events: {@link pendingOfState} of the run's folded state. A
 * run that ended waits for nothing.
 * @example
 * ```ts
 * const [pending] = pendingOf(await readRun(store, runId)); pending?.kind; // 'tool'
 * ```
 */
export function pendingOf(events: readonly RecordedEvent[]): PendingDecision[] {
  return events.length === 0 ? [] : pendingOfState(foldRunStatus(events));
}

/**
 * What a run in state `status` waits for that a person decides: each entry of its `waitingFor`
 * that is an approval or a signal of the run itself (a parallel branch's wait is listed by the
 * branch, see {@link pendingOfRun}), with the approval's kind and agent from its `approvals`.
 * @example
 * ```ts
 * pendingOfState(foldRunState(events)).map((p) => p.id); // ['2-review.approval']
 * ```
 */
export function pendingOfState(status: RunState): PendingDecision[] {
  if (status.endedAt !== undefined) return [];
  const out: PendingDecision[] = [];
  for (const w of status.waitingFor) {
    if (w.kind === 'timer' || w.runId !== undefined || w.stepId === undefined) continue;
    const run = { runId: status.runId, workflow: status.workflow };
    const when = { since: w.sinceAt, position: w.since };
    if (w.kind === 'signal') {
      out.push({
        ...run,
        kind: 'signal',
        id: w.id,
        name: w.name,
        stepId: w.stepId,
        ...(w.prompt !== undefined ? { prompt: w.prompt } : {}),
        ...(w.schema !== undefined ? { schema: w.schema } : {}),
        ...when,
        ...(w.dueAt !== undefined ? { dueAt: w.dueAt } : {}),
      });
      continue;
    }
    const approval = status.approvals.find((a) => a.approvalId === w.id);
    if (!approval) continue;
    out.push({
      ...run,
      kind: approval.kind,
      id: w.id,
      name: w.name,
      stepId: w.stepId,
      ...(approval.agentId !== undefined ? { agentId: approval.agentId } : {}),
      prompt: w.prompt,
      content: w.content,
      ...when,
      ...(w.onTimeout !== undefined ? { dueAt: w.dueAt, onTimeout: w.onTimeout } : {}),
    });
  }
  return out;
}

/**
 * What the given runs wait for (see {@link pendingOf}), oldest wait first. Runs that ended or
 * vanished meanwhile are skipped.
 * @example
 * ```ts
 * const rows = await projections.runs({ status: 'waiting', limit: 1000 });
 * const pending = await pendingDecisions(store, rows.rows.map((r) => r.runId));
 * ```
 */
export async function pendingDecisions(store: EventStore, runIds: readonly string[]): Promise<PendingDecision[]> {
  const lists = await Promise.all(runIds.map(async (runId) => pendingOf(await readRun(store, runId).catch((): RecordedEvent[] => []))));
  return lists.flat().sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
}

/**
 * What one run waits for that a person decides (see {@link pendingOf}), with the waits of its
 * parallel branches that park it (each with the branch's `runId`).
 * @example
 * ```ts
 * const [pending] = await pendingOfRun(store, runId); pending?.runId; // `${runId}.review` for a branch's approval
 * ```
 */
export async function pendingOfRun(store: EventStore, runId: string): Promise<PendingDecision[]> {
  const status = foldRunStatus(await readRun(store, runId));
  const waits = status.waitingFor.filter((w) => w.runId !== undefined);
  const branches = [...new Set(waits.map((w) => w.runId!))];
  const theirs = (await pendingDecisions(store, branches)).filter((p) => waits.some((w) => w.runId === p.runId && w.id === p.id));
  return [...pendingOfState(status), ...theirs];
}
