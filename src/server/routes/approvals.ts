import { Hono } from 'hono';
import type { PendingDecision } from '../../app/waits.js';
import type { RouteDeps } from '../reads.js';

/** One approval of `GET /api/approvals`. */
export interface ApprovalJson {
  runId: string;
  workflow: string;
  approvalId: string;
  kind: 'tool' | 'step';
  name: string;
  stepId: string;
  prompt: string | undefined;
  content: unknown;
  since: string;
  dueAt?: string | undefined;
  onTimeout?: 'approve' | 'reject' | undefined;
}

/** The waiting runs (every page of the runs view). */
async function waitingRunIds(deps: RouteDeps): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.projections.runs({ status: 'waiting', rootOnly: false, limit: 1000, ...(cursor ? { cursor } : {}) });
    ids.push(...page.rows.map((r) => r.runId));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

function approvalJson(p: PendingDecision): ApprovalJson {
  return {
    runId: p.runId,
    workflow: p.workflow,
    approvalId: p.id,
    kind: p.kind === 'tool' ? 'tool' : 'step',
    name: p.name,
    stepId: p.stepId,
    prompt: p.prompt,
    content: p.content,
    since: p.since,
    ...(p.dueAt ? { dueAt: p.dueAt } : {}),
    ...(p.onTimeout ? { onTimeout: p.onTimeout } : {}),
  };
}

/** `GET /api/approvals`: what waiting runs wait a person's approval for, oldest first. */
export function approvalRoutes(deps: RouteDeps): Hono {
  const approvals = new Hono();
  approvals.get('/', async (c) => {
    const pending = await deps.reads.pendingDecisions(await waitingRunIds(deps));
    return c.json(pending.filter((p) => p.kind !== 'signal').map(approvalJson));
  });
  return approvals;
}
