import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { aigen, finished, json, oneLineError, REPO, sandbox, storedEvents, type Sandbox } from './helpers.js';
import { eventsOf, eventually, isEnded, startWorker, workerLive, workerSandbox, type WorkerSandbox } from './workersSupport.js';

/** A writer, an approval step `publish_draft` (24 h timeout, then reject), an editor. */
const PUBLISH = readFileSync(join(REPO, 'test/fixtures/workflows/publish.yaml'), 'utf8');

const REFUND = 'Please refund order #A1042, $40: it arrived broken';

interface Pending {
  runId: string;
  kind: string;
  id: string;
  name: string;
  content: unknown;
  since: string;
}

const types = (events: readonly RecordedEvent[]) => events.map((e) => e.type);
const indexOf = (events: readonly RecordedEvent[], type: string) => events.findIndex((e) => e.type === type);
const decided = (events: readonly RecordedEvent[]) => events.find((e) => e.type === 'ApprovalDecided')?.data as { decision: string; by: string; comment?: string } | undefined;

/** The run's stream is waiting for one approval of issue_refund (and nobody holds it). */
async function waitingForRefund(sb: WorkerSandbox, runId: string): Promise<RecordedEvent[]> {
  return eventually(async () => {
    const events = await eventsOf(sb.shared, runId);
    return events.some((e) => e.type === 'ApprovalRequested') && !isEnded(events) ? events : false;
  }, `run ${runId} to wait for an approval`);
}

async function status(sb: WorkerSandbox, runId: string): Promise<{ status: string; waitingFor: Array<{ kind: string; id: string; name: string }>; result?: unknown }> {
  const r = await aigen(['status', runId, '--json'], { sb });
  expect(r.code, r.stderr).toBe(0);
  return json(r);
}

/** The run replays against the current code with exactly its recorded events. */
async function expectReplayMatches(sb: WorkerSandbox, runId: string): Promise<void> {
  const r = await aigen(['replay', runId, '--verify'], { sb });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
}

describe.each(['sqlite', 'postgres'] as const)('tool approvals decided from the CLI, %s', (kind) => {
  let sb: WorkerSandbox;
  afterEach(async () => {
    await sb?.close();
  });

  it('run --detach parks at issue_refund; every aigen process exits; approve --no-continue only records; a worker started after completes it, the tool called after the decision', async () => {
    sb = await workerSandbox(kind);
    const submitted = await aigen(['run', 'refund_desk', REFUND, '--detach', '--json'], { sb });
    expect(submitted.code, submitted.stderr).toBe(0);
    const { runId } = json<{ runId: string }>(submitted);
    const w1 = startWorker(sb, 'w1', ['--lease-ms', '2000']);
    await waitingForRefund(sb, runId);
    // The worker holds nothing for a waiting run; stopping it leaves no aigen process at all.
    w1.kill('SIGTERM');
    expect((await finished(w1)).code).toBe(0);

    const st = await status(sb, runId);
    expect(st.status).toBe('waiting');
    expect(st.waitingFor).toEqual([expect.objectContaining({ kind: 'approval', name: 'issue_refund' })]);
    const listed = await aigen(['approvals', '--json'], { sb });
    expect(listed.code, listed.stderr).toBe(0);
    const pending = json<Pending[]>(listed);
    expect(pending).toEqual([expect.objectContaining({ runId, kind: 'tool', name: 'issue_refund', id: st.waitingFor[0]!.id })]);
    expect(JSON.stringify(pending[0]!.content)).toContain('1042');
    const table = await aigen(['approvals'], { sb });
    expect(table.stdout).toMatch(/issue_refund/);

    const approved = await aigen(['approve', runId.slice(0, 8), '--as', 'alice', '--comment', 'receipt checked', '--no-continue', '--json'], { sb });
    expect(approved.code, approved.stderr).toBe(0);
    expect(json(approved)).toMatchObject({ runId, decision: 'approve', by: 'alice', continued: 'no' });
    let events = await eventsOf(sb.shared, runId);
    expect(types(events)).not.toContain('ToolCalled');
    expect((await status(sb, runId)).status).toBe('queued');

    startWorker(sb, 'w2', ['--lease-ms', '2000']);
    events = await eventually(async () => {
      const e = await eventsOf(sb.shared, runId);
      return isEnded(e) ? e : false;
    }, 'the run to end on w2');
    expect(events.at(-1)!.type).toBe('RunCompleted');
    expect(decided(events)).toMatchObject({ decision: 'approve', by: 'alice', comment: 'receipt checked' });
    const decidedAt = indexOf(events, 'ApprovalDecided');
    expect(indexOf(events, 'ToolCalled')).toBeGreaterThan(decidedAt);
    expect(indexOf(events, 'ToolReturned')).toBeGreaterThan(decidedAt);
    expect(types(events).filter((t) => t === 'ApprovalRequested')).toHaveLength(1);
    expect(String((await status(sb, runId)).result)).toMatch(/refund/i);
    await expectReplayMatches(sb, runId);
  });

  it('with a worker serving the store, approve from another process hands the run to it: the worker completes it', async () => {
    sb = await workerSandbox(kind);
    startWorker(sb, 'w1', ['--lease-ms', '2000']);
    await workerLive(sb, 'w1');
    const submitted = await aigen(['run', 'refund_desk', REFUND, '--detach', '--json'], { sb });
    const { runId } = json<{ runId: string }>(submitted);
    await waitingForRefund(sb, runId);
    const approved = await aigen(['approve', runId, '--as', 'alice'], { sb });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/approved tool call issue_refund/);
    expect(approved.stderr).toMatch(/a worker continues it/);
    const events = await eventually(async () => {
      const e = await eventsOf(sb.shared, runId);
      return isEnded(e) ? e : false;
    }, 'the worker to complete the run');
    expect(events.at(-1)!.type).toBe('RunCompleted');
    const claims = events.filter((e) => e.type === 'RunClaimed').map((e) => (e.data as { workerId: string }).workerId);
    expect(claims.at(-1)).toBe('w1');
    expect(indexOf(events, 'ToolCalled')).toBeGreaterThan(indexOf(events, 'ApprovalDecided'));
  });
});

describe('tool approvals without a worker (sqlite)', () => {
  let sb: WorkerSandbox;
  afterEach(async () => {
    await sb?.close();
  });

  it('a plain run that parks says what it waits for and how to approve, exits 0; approve with no worker continues in its own process and prints the result', async () => {
    sb = await workerSandbox('sqlite');
    const ran = await aigen(['run', 'refund_desk', REFUND], { sb });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toMatch(/waiting/);
    expect(ran.stderr).toMatch(/issue_refund/);
    const runId = /run ([0-9a-f-]{36})/.exec(ran.stderr)?.[1];
    expect(runId).toBeDefined();
    expect(ran.stderr).toContain(`aigen approve ${runId!.slice(0, 8)}`);
    const listed = await aigen(['runs', '--status', 'waiting', '--json'], { sb });
    expect(json<Array<{ runId: string }>>(listed).map((r) => r.runId)).toEqual([runId]);
    // The step waits mid-way, its model calls made: runs and status count their tokens, as the log does.
    const spent = (await eventsOf(sb.shared, runId!)).filter((e) => e.type === 'ModelResponded')
      .reduce((n, e) => n + (e.data as { response: { usage: { totalTokens: number } } }).response.usage.totalTokens, 0);
    expect(spent).toBeGreaterThan(0);
    expect(json<Array<{ usage: { totalTokens: number } }>>(listed)[0]!.usage.totalTokens).toBe(spent);
    expect((await aigen(['runs', '--status', 'waiting'], { sb })).stdout).toMatch(new RegExp(`waiting .*\\b${spent}\\b`));
    expect(json<{ usage: { totalTokens: number } }>(await aigen(['status', runId!, '--json'], { sb })).usage.totalTokens).toBe(spent);

    // Someone takes a while to decide: that is wall clock, not active time.
    await new Promise((r) => setTimeout(r, 2500));
    const approved = await aigen(['approve', runId!], { sb });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toMatch(/continuing run .* here/);
    expect(approved.stderr).toMatch(/completed/);
    expect(approved.stderr).toMatch(/ \d[\d.]* ?m?s wall clock, \d[\d.]* ?m?s active/);
    // The result is a line of its own on stdout; what comes next starts on a new line.
    expect(approved.stdout).toMatch(/^Your refund of \$40\.00 for order A1042 has been issued[^\n]*\n$/);
    expect(approved.stderr).toMatch(/\n\n✓ completed /);
    const status = json<{ durationMs: number; activeMs: number }>(await aigen(['status', runId!, '--json'], { sb }));
    expect(status.durationMs).toBeGreaterThanOrEqual(2500);
    expect(status.activeMs).toBeGreaterThan(0);
    expect(status.activeMs).toBeLessThanOrEqual(status.durationMs - 2500);
    const row = json<Array<{ durationMs: number; activeMs: number }>>(await aigen(['runs', '--json'], { sb }))[0]!;
    expect(row).toMatchObject({ durationMs: status.durationMs, activeMs: status.activeMs });
    const text = await aigen(['status', runId!], { sb });
    expect(text.stdout).toMatch(/wall clock +\d/);
    expect(text.stdout).toMatch(/active +\d/);
    expect((await aigen(['runs'], { sb })).stdout).toMatch(/WALL +ACTIVE/);
    expect(approved.stdout).toMatch(/refund/i);
    const events = await eventsOf(sb.shared, runId!);
    expect(events.at(-1)!.type).toBe('RunCompleted');
    expect(decided(events)?.by).toBeTruthy();
    expect(indexOf(events, 'ToolReturned')).toBeGreaterThan(indexOf(events, 'ApprovalDecided'));

    // `aigen events` describes the wait and its decision in words, as it does every other event.
    const listedEvents = await aigen(['events', runId!], { sb });
    expect(listedEvents.code, listedEvents.stderr).toBe(0);
    expect(listedEvents.stdout).toMatch(/ApprovalRequested +\S+ tool issue_refund\(\{/);
    expect(listedEvents.stdout).toMatch(/ApprovalDecided +\S+ approved by /);
    for (const line of listedEvents.stdout.trim().split('\n')) expect(line).not.toMatch(/^ *\d+ \S+ \w+ +[{[]/);
  });

  it('reject --reason reaches the model, which answers accordingly; the tool never runs; replay --verify matches', async () => {
    sb = await workerSandbox('sqlite');
    const ran = await aigen(['run', 'refund_desk', REFUND, '--json'], { sb });
    expect(ran.code, ran.stderr).toBe(0);
    const parked = json<{ runId: string; status: string; waitingFor: unknown[] }>(ran);
    expect(parked).toMatchObject({ status: 'waiting', waitingFor: [expect.objectContaining({ kind: 'approval', name: 'issue_refund' })] });
    const rejected = await aigen(['reject', parked.runId, '--reason', 'no receipt on file', '--as', 'bob', '--json'], { sb });
    expect(rejected.code, rejected.stderr).toBe(0);
    const end = json<{ status: string; result: unknown; decision: string; continued: string }>(rejected);
    expect(end).toMatchObject({ status: 'completed', decision: 'reject', continued: 'here' });
    expect(String(end.result)).toMatch(/no receipt on file/);
    const events = await eventsOf(sb.shared, parked.runId);
    expect(decided(events)).toMatchObject({ decision: 'reject', by: 'bob', comment: 'no receipt on file' });
    expect(types(events)).not.toContain('ToolCalled');
    await expectReplayMatches(sb, parked.runId);
  });

  it('decisions the run does not wait for, and bad input, are one-line errors with exit 2 that record nothing', async () => {
    sb = await workerSandbox('sqlite');
    const done = json<{ runId: string }>(await aigen(['run', 'writer', 'Tides', '--json'], { sb }));
    const notWaiting = await aigen(['approve', done.runId], { sb });
    expect(notWaiting.code).toBe(2);
    expect(oneLineError(notWaiting)).toMatch(/not waiting|waits for nothing/);

    const parked = json<{ runId: string }>(await aigen(['run', 'refund_desk', REFUND, '--json'], { sb }));
    const before = (await eventsOf(sb.shared, parked.runId)).length;
    const wrongId = await aigen(['approve', parked.runId, 'no-such-approval'], { sb });
    expect(wrongId.code).toBe(2);
    expect(oneLineError(wrongId)).toMatch(/issue_refund/);
    const noSignal = await aigen(['signal', parked.runId, 'payment', '{"amount": 3}'], { sb });
    expect(noSignal.code).toBe(2);
    expect(oneLineError(noSignal)).toMatch(/issue_refund/);
    const badJson = await aigen(['signal', parked.runId, 'payment', '{amount'], { sb });
    expect(badJson.code).toBe(2);
    expect(oneLineError(badJson)).toMatch(/payload: not valid JSON/);
    const noReason = await aigen(['reject', parked.runId], { sb });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/--reason/);
    const edit = join(sb.dir, 'edit.json');
    writeFileSync(edit, '{"amount": 1}');
    const editTool = await aigen(['approve', parked.runId, '--edit', edit], { sb });
    expect(editTool.code).toBe(2);
    expect(oneLineError(editTool)).toMatch(/output/);
    const unknownRun = await aigen(['approve', 'ffffffff'], { sb });
    expect(unknownRun.code).toBe(2);
    expect((await eventsOf(sb.shared, parked.runId)).length).toBe(before);
  });
});

describe('what waiting runs wait for, from the CLI', () => {
  let sb: Sandbox;
  afterEach(() => sb?.cleanup());

  it('a plain run that parks at an approval step says what it waits for and how to decide, and exits 0; approvals, runs --status waiting and status show it', async () => {
    sb = sandbox();
    writeFileSync(join(sb.dir, 'publish.yaml'), PUBLISH);
    const ran = await aigen(['run', 'publish.yaml', 'Announce offline mode'], { sb });
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('');
    expect(ran.stderr).toMatch(/⏸ waiting for approval publish_draft: Publish this draft\? Edit it if needed\./);
    const runId = /run ([0-9a-f-]{36}) \(it holds no process while it waits\)/.exec(ran.stderr)?.[1];
    expect(runId, ran.stderr).toBeDefined();
    expect(ran.stderr).toContain(`aigen approve ${runId!.slice(0, 8)}`);
    expect(ran.stderr).toContain(`aigen reject ${runId!.slice(0, 8)} --reason`);

    const listed = await aigen(['approvals', '--json'], { sb });
    expect(listed.code, listed.stderr).toBe(0);
    const [pending, ...more] = json<Array<Record<string, unknown>>>(listed);
    expect(more).toEqual([]);
    expect(pending).toMatchObject({ runId, workflow: 'publish', kind: 'step', id: '2-publish_draft.approval', name: 'publish_draft', stepId: '2-publish_draft', prompt: 'Publish this draft? Edit it if needed.', onTimeout: 'reject' });
    expect(String(pending!.content)).toMatch(/Announce offline mode/i);
    expect(Date.parse(String(pending!.dueAt)) - Date.parse(String(pending!.since))).toBeGreaterThan(23 * 3600_000);
    const table = await aigen(['approvals'], { sb });
    expect(table.stdout).toMatch(/RUN\s+STEP\s+KIND\s+NAME\s+PROMPT\s+CONTENT\s+SINCE\s+TIMEOUT/);
    expect(table.stdout).toMatch(new RegExp(`${runId!.slice(0, 8)}\\s+2-publish_draft\\s+step\\s+publish_draft\\s+Publish this draft\\?`));

    const runs = json<Array<{ runId: string; status: string }>>(await aigen(['runs', '--status', 'waiting', '--json'], { sb }));
    expect(runs).toEqual([expect.objectContaining({ runId, status: 'waiting' })]);
    const status = json<{ status: string; waitingFor: unknown[] }>(await aigen(['status', runId!, '--json'], { sb }));
    expect(status.status).toBe('waiting');
    expect(status.waitingFor).toEqual([expect.objectContaining({ kind: 'approval', id: '2-publish_draft.approval', name: 'publish_draft', prompt: 'Publish this draft? Edit it if needed.' })]);
    const text = await aigen(['status', runId!.slice(0, 8)], { sb });
    expect(text.stdout).toMatch(/Waiting for\n\s+⏸ approval publish_draft: Publish this draft\?/);
  });

  it('approvals says so when nothing waits; run --json of a run that parks prints status waiting with waitingFor', async () => {
    sb = sandbox();
    expect((await aigen(['run', 'writer', 'Tides'], { sb })).code).toBe(0);
    const none = await aigen(['approvals'], { sb });
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/nothing waits for a decision/);
    expect(json(await aigen(['approvals', '--json'], { sb }))).toEqual([]);
    writeFileSync(join(sb.dir, 'publish.yaml'), PUBLISH);
    const ran = await aigen(['run', 'publish.yaml', 'Tides', '--json'], { sb });
    expect(ran.code, ran.stderr).toBe(0);
    expect(json(ran)).toMatchObject({ status: 'waiting', result: null, waitingFor: [{ kind: 'approval', name: 'publish_draft' }] });
  });

  it('approve --edit FILE on a step approval continues here and the next step gets the edit', async () => {
    sb = sandbox();
    writeFileSync(join(sb.dir, 'publish.yaml'), PUBLISH);
    const parked = json<{ runId: string }>(await aigen(['run', 'publish.yaml', 'Tides', '--json'], { sb }));
    writeFileSync(join(sb.dir, 'draft.md'), 'EDITED DRAFT about lighthouses\n');
    const approved = await aigen(['approve', parked.runId, '--edit', 'draft.md', '--as', 'carol'], { sb });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toMatch(/✓ completed/);
    const events = await storedEvents(sb, parked.runId);
    expect(events.find((e) => e.type === 'ApprovalDecided')!.data).toMatchObject({ decision: 'approve', by: 'carol', output: 'EDITED DRAFT about lighthouses' });
    const editorTask = events.find((e) => e.type === 'TaskSent' && (e.data as { stepId: string }).stepId.endsWith('editor'))!;
    expect(JSON.stringify(editorTask.data)).toContain('EDITED DRAFT about lighthouses');
  });

  it('signal: a payload its schema refuses is exit 2 naming the field, nothing recorded; a valid one continues the run', async () => {
    sb = sandbox();
    writeFileSync(join(sb.dir, 'payment.yaml'), readFileSync(join(REPO, 'test/fixtures/workflows/payment.yaml'), 'utf8'));
    const parked = json<{ runId: string; status: string }>(await aigen(['run', 'payment.yaml', 'Twelve notebooks', '--json'], { sb }));
    expect(parked.status).toBe('waiting');
    const listed = json<Array<{ kind: string; name: string; schema: unknown }>>(await aigen(['approvals', '--json'], { sb }));
    expect(listed).toEqual([expect.objectContaining({ kind: 'signal', name: 'payment', schema: expect.objectContaining({ required: ['amount', 'currency'] }) as unknown })]);
    const before = (await storedEvents(sb, parked.runId)).length;
    const bad = await aigen(['signal', parked.runId, 'payment', '{"amount": 12.5, "currency": "GBP"}'], { sb });
    expect(bad.code).toBe(2);
    expect(oneLineError(bad)).toMatch(/currency/);
    expect((await storedEvents(sb, parked.runId)).length).toBe(before);
    const ok = await aigen(['signal', parked.runId, 'payment', '{"amount": 12.5, "currency": "EUR"}', '--json'], { sb });
    expect(ok.code, ok.stderr).toBe(0);
    expect(json(ok)).toMatchObject({ runId: parked.runId, status: 'completed', signal: 'payment', continued: 'here' });
  });
});
