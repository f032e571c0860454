import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, json, sandbox, storedEvents, type Result, type Sandbox } from './helpers.js';

/*
 * The built-in refund_desk asks before it calls issue_refund. After the run ended, `status` and
 * `trace` still show each approval: what was asked, the decision, by whom, the comment, when.
 * A fork that comes to the approval again says what it waits for, as `run` does.
 */

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

interface Approval {
  approvalId: string;
  kind: string;
  name: string;
  stepId: string;
  tool?: string;
  arguments?: string;
  prompt: string;
  content: unknown;
  requestedAt: string;
  decision?: string;
  by?: string;
  comment?: string;
  decidedAt?: string;
}

interface Span {
  kind: string;
  name: string;
  status: string;
  attributes: Record<string, unknown>;
  children: Span[];
}

const ok = (r: Result): Result => {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

/** A refund_desk run that parked at its approval of issue_refund; its id. */
async function waitingRefund(order: string): Promise<string> {
  const r = json<{ runId: string; status: string }>(ok(await aigen(['run', 'refund_desk', `Please refund order #${order}, $40: it arrived broken`, '--json'], { sb })));
  expect(r.status).toBe('waiting');
  return r.runId;
}

const spans = (span: Span): Span[] => [span, ...span.children.flatMap(spans)];

describe('approvals of a finished run, in status and trace', { timeout: 600_000 }, () => {
  let approved: string;
  let rejected: string;

  beforeAll(async () => {
    approved = await waitingRefund('A1001');
    ok(await aigen(['approve', approved, '--as', 'alice', '--comment', 'Photos show the damage'], { sb }));
    rejected = await waitingRefund('A1002');
    ok(await aigen(['reject', rejected, '--as', 'bob', '--reason', 'Delivered intact, signed for'], { sb }));
  });

  it('status --json lists each approval: the tool call and its arguments, the decision, who, the comment, when', async () => {
    const a = json<{ status: string; approvals: Approval[]; waitingFor: unknown[] }>(ok(await aigen(['status', approved, '--json'], { sb })));
    expect(a.status).toBe('completed');
    expect(a.waitingFor).toEqual([]);
    expect(a.approvals).toHaveLength(1);
    expect(a.approvals[0]).toMatchObject({ kind: 'tool', name: 'issue_refund', tool: 'issue_refund', stepId: '1-support', decision: 'approve', by: 'alice', comment: 'Photos show the damage' });
    expect(JSON.parse(a.approvals[0]!.arguments!)).toMatchObject({ orderId: 'A1001', amount: 40 });
    expect(a.approvals[0]!.content).toMatchObject({ orderId: 'A1001', amount: 40 });
    expect(Date.parse(a.approvals[0]!.decidedAt!)).toBeGreaterThanOrEqual(Date.parse(a.approvals[0]!.requestedAt));

    const r = json<{ status: string; approvals: Approval[] }>(ok(await aigen(['status', rejected, '--json'], { sb })));
    expect(r.status).toBe('completed');
    expect(r.approvals).toHaveLength(1);
    expect(r.approvals[0]).toMatchObject({ name: 'issue_refund', decision: 'reject', by: 'bob', comment: 'Delivered intact, signed for' });
    expect(JSON.parse(r.approvals[0]!.arguments!)).toMatchObject({ orderId: 'A1002' });
  });

  it('status prints an Approvals section with the decision, who, when, the arguments and the comment', async () => {
    const a = ok(await aigen(['status', approved], { sb })).stdout;
    const { approvals } = json<{ approvals: Approval[] }>(ok(await aigen(['status', approved, '--json'], { sb })));
    expect(a).toContain('Approvals');
    expect(a).toMatch(new RegExp(`✓\\s+issue_refund\\s+tool call\\s+approved\\s+by alice\\s+${approvals[0]!.decidedAt!.replace(/\./g, '\\.')}`));
    expect(a).toContain('arguments: {"orderId":"A1001","amount":40');
    expect(a).toContain('comment: Photos show the damage');

    const r = ok(await aigen(['status', rejected], { sb })).stdout;
    expect(r).toMatch(/✗\s+issue_refund\s+tool call\s+rejected\s+by bob/);
    expect(r).toContain('comment: Delivered intact, signed for');
  });

  it('trace --json has an approval span under the step, with what was asked and the decision', async () => {
    const trace = json<{ root: Span }>(ok(await aigen(['trace', approved, '--json'], { sb })));
    const step = trace.root.children.find((s) => s.kind === 'step')!;
    const approval = step.children.find((s) => s.kind === 'approval');
    expect(approval).toMatchObject({ name: 'issue_refund', status: 'ok', attributes: { approvalKind: 'tool', tool: 'issue_refund', decision: 'approve', by: 'alice', comment: 'Photos show the damage' } });
    expect(JSON.parse(approval!.attributes.arguments as string)).toMatchObject({ orderId: 'A1001' });
    expect(typeof approval!.attributes.decidedAt).toBe('string');

    const rejectedTrace = json<{ root: Span }>(ok(await aigen(['trace', rejected, '--json'], { sb })));
    const rejection = spans(rejectedTrace.root).filter((s) => s.kind === 'approval');
    expect(rejection).toHaveLength(1);
    expect(rejection[0]!.attributes).toMatchObject({ decision: 'reject', by: 'bob', comment: 'Delivered intact, signed for' });
    // A rejected tool call is never called.
    expect(spans(rejectedTrace.root).filter((s) => s.kind === 'tool')).toEqual([]);
  });

  it('trace draws the approval with its arguments, the decision, who and the comment', async () => {
    const a = ok(await aigen(['trace', approved], { sb })).stdout;
    expect(a).toMatch(/approval issue_refund \d+ms \{"orderId":"A1001".*\} — approved by alice: "Photos show the damage"/);
    const r = ok(await aigen(['trace', rejected], { sb })).stdout;
    expect(r).toMatch(/approval issue_refund \d+ms \{"orderId":"A1002".*\} — rejected by bob: "Delivered intact, signed for"/);
  });
});

describe('a fork that waits says what it waits for', { timeout: 600_000 }, () => {
  let source: string;
  let beforeApproval: number;

  beforeAll(async () => {
    source = await waitingRefund('A1003');
    ok(await aigen(['approve', source], { sb }));
    const events = await storedEvents(sb, source);
    beforeApproval = events.find((e) => e.type === 'ApprovalRequested')!.streamPosition - 1;
  });

  it('fork prints the approval it waits for and the commands that decide it, and approving it completes the fork', async () => {
    const r = ok(await aigen(['fork', source, '--at', String(beforeApproval)], { sb }));
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`fork of ${source} at ${beforeApproval}`);
    expect(r.stderr).toContain('waiting for approval of tool call issue_refund: Allow support to call issue_refund?');
    expect(r.stderr).toContain('"orderId":"A1003"');
    const approve = /aigen approve (\S+)/.exec(r.stderr);
    expect(approve, r.stderr).not.toBeNull();
    expect(r.stderr).toMatch(/aigen reject \S+ --reason/);

    const decided = ok(await aigen(['approve', approve![1]!], { sb }));
    expect(decided.stdout).toContain('A1003');
    const forkId = /run (\S+) \(it holds no process while it waits\)/.exec(r.stderr)![1]!;
    expect(json<{ status: string; forkOf: unknown }>(ok(await aigen(['status', forkId, '--json'], { sb })))).toMatchObject({ status: 'completed', forkOf: { runId: source, position: beforeApproval } });
  });

  it('fork --json is the run --json object of a waiting run, with forkOf', async () => {
    const r = ok(await aigen(['fork', source, '--at', String(beforeApproval), '--json'], { sb }));
    const out = json<{ runId: string; status: string; result: unknown; forkOf: unknown; waitingFor: Array<{ kind: string; name: string; content: unknown }> }>(r);
    expect(out).toMatchObject({ status: 'waiting', result: null, forkOf: { runId: source, position: beforeApproval } });
    expect(out.waitingFor).toHaveLength(1);
    expect(out.waitingFor[0]).toMatchObject({ kind: 'approval', name: 'issue_refund', content: { orderId: 'A1003', amount: 40 } });
  });
});
