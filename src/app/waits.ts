import type { AigenEvent, RecordedEvent } from '../events/envelope.js';
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
 * What one run waits for, from its events: each entry of the fold's `waitingFor` that a person
 * decides, with the details of the request that started it. A run that ended waits for nothing.
 * @example
 * ```ts
 * const [pending] = pendingOf(await readRun(store, runId)); pending?.kind; // 'tool'
 * ```
 */
export function pendingOf(events: readonly RecordedEvent[]): PendingDecision[] {
  if (events.length === 0) return [];
  const status = foldRunStatus(events);
  if (status.endedAt !== undefined) return [];
  const requests = new Map<string, AigenEvent>();
  for (const e of events as readonly AigenEvent[]) {
    if (e.type === 'ApprovalRequested') requests.set(`approval:${e.data.approvalId}`, e);
    else if (e.type === 'SignalAwaited') requests.set(`signal:${e.data.signalId}`, e);
  }
  const out: PendingDecision[] = [];
  for (const w of status.waitingFor) {
    // A parallel branch's wait is listed by the branch (see pendingOfRun).
    if (w.kind === 'timer' || w.runId !== undefined) continue;
    const request = requests.get(`${w.kind}:${w.id}`);
    if (!request) continue;
    const run = { runId: status.runId, workflow: status.workflow };
    const when = { since: request.metadata.recordedAt, position: request.streamPosition };
    if (request.type === 'ApprovalRequested') {
      const d = request.data;
      out.push({
        ...run,
        kind: d.kind,
        id: d.approvalId,
        name: d.name,
        stepId: d.stepId,
        ...(d.agentId !== undefined ? { agentId: d.agentId } : {}),
        prompt: d.prompt,
        content: d.content,
        ...when,
        ...(d.timeout ? { dueAt: d.timeout.dueAt, onTimeout: d.timeout.onTimeout } : {}),
      });
    } else if (request.type === 'SignalAwaited') {
      const d = request.data;
      out.push({
        ...run,
        kind: 'signal',
        id: d.signalId,
        name: d.name,
        stepId: d.stepId,
        ...(d.prompt !== undefined ? { prompt: d.prompt } : {}),
        ...(d.schema !== undefined ? { schema: d.schema } : {}),
        ...when,
        ...(d.dueAt !== undefined ? { dueAt: d.dueAt } : {}),
      });
    }
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
  const events = await readRun(store, runId);
  const waits = foldRunStatus(events).waitingFor.filter((w) => w.runId !== undefined);
  const branches = [...new Set(waits.map((w) => w.runId!))];
  const theirs = (await pendingDecisions(store, branches)).filter((p) => waits.some((w) => w.runId === p.runId && w.id === p.id));
  return [...pendingOf(events), ...theirs];
}
