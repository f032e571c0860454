import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aigen, json } from './helpers.js';
import { claimers, completedSteps, eventsOf, eventually, isEnded, startWorker, workerLive, workerSandbox, type WorkerSandbox } from './workersSupport.js';

// Workflow files whose steps wait, run through the CLI and workers.
let sb: WorkerSandbox;
afterEach(async () => {
  await sb?.close();
});

const write = (name: string, text: string) => writeFileSync(join(sb.dir, name), text);
const typed = (events: Awaited<ReturnType<typeof eventsOf>>, type: string) => events.filter((e) => e.type === type);

async function detach(file: string, input: string): Promise<string> {
  const r = await aigen(['run', file, input, '--detach', '--json'], { sb });
  expect(r.code, r.stderr).toBe(0);
  return json<{ runId: string }>(r).runId;
}

interface RunJson {
  runId: string;
  status: string;
  result: unknown;
  error: { code: string; message: string } | null;
  waitingFor?: Array<{ kind: string; id: string; name: string; dueAt?: string }>;
}

/** `aigen run FILE INPUT --json` in the foreground: it runs until the run ends or parks. */
async function runHere(file: string, input: string): Promise<RunJson> {
  const r = await aigen(['run', file, input, '--json'], { sb });
  expect(r.code, r.stderr).toBe(0);
  return json<RunJson>(r);
}

const dataOf = <T>(events: Awaited<ReturnType<typeof eventsOf>>, type: string) => typed(events, type).map((e) => e.data as T);

describe('approval steps', () => {
  it('approved with an edit from a file: the run goes on in the deciding process and the next step reads the edit', async () => {
    sb = await workerSandbox('sqlite');
    write('publish.yaml', 'name: publish\nkind: sequential\nagents:\n  - writer\n  - approval: publish_draft\n    prompt: Publish this draft?\n  - editor\n');
    const parked = await runHere('publish.yaml', 'Announce our new offline mode');
    expect(parked).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'approval', id: '2-publish_draft.approval', name: 'publish_draft' }] });
    write('edited.md', 'Offline mode is here: every workflow runs without a key.');

    const r = await aigen(['approve', parked.runId, '--edit', 'edited.md', '--as', 'ana', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(json<RunJson>(r)).toMatchObject({ runId: parked.runId, status: 'completed' });
    const events = await eventsOf(sb.shared, parked.runId);
    expect(dataOf(events, 'ApprovalDecided')).toEqual([{ approvalId: '2-publish_draft.approval', decision: 'approve', by: 'ana', output: 'Offline mode is here: every workflow runs without a key.' }]);
    const tasks = dataOf<{ agentId: string; input: string }>(events, 'TaskSent');
    expect(tasks.map((t) => t.agentId)).toEqual(['writer', 'editor']);
    expect(tasks[1]!.input).toContain('Offline mode is here: every workflow runs without a key.');
    expect((await aigen(['replay', parked.runId, '--verify'], { sb })).code).toBe(0);
  });

  it('rejected with a reason: the run ends partial with the draft, and the reason is recorded', async () => {
    sb = await workerSandbox('sqlite');
    write('publish.yaml', 'name: publish\nkind: sequential\nagents:\n  - writer\n  - approval: publish_draft\n  - editor\n');
    const parked = await runHere('publish.yaml', 'Announce our new offline mode');
    const r = await aigen(['reject', parked.runId, '--reason', 'too long', '--as', 'ana', '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    const done = json<RunJson>(r);
    expect(done).toMatchObject({ status: 'partial', error: { code: 'APPROVAL_REJECTED', message: "approval 'publish_draft' rejected by ana: too long" } });
    const events = await eventsOf(sb.shared, parked.runId);
    expect(dataOf(events, 'ApprovalDecided')).toEqual([{ approvalId: '2-publish_draft.approval', decision: 'reject', by: 'ana', comment: 'too long' }]);
    expect(dataOf<{ agentId: string }>(events, 'TaskSent').map((t) => t.agentId)).toEqual(['writer']);
    expect(events.at(-1)).toMatchObject({ type: 'RunCompleted', data: { partial: true } });
    expect(done.result).toBe((events.find((e) => e.type === 'StepCompleted')!.data as { output: string }).output);
  });

  it('with timeout 1s and onTimeout: reject, a worker rejects it once it is due', async () => {
    sb = await workerSandbox('sqlite');
    write('timed.yaml', 'name: timed\nkind: sequential\nagents:\n  - writer\n  - approval: quick_look\n    timeout: 1s\n    onTimeout: reject\n  - editor\n');
    startWorker(sb, 'w', ['--lease-ms', '1500']);
    await workerLive(sb, 'w');
    const runId = await detach('timed.yaml', 'Announce our new offline mode');
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the run to end', 60_000);
    const events = await eventsOf(sb.shared, runId);
    expect(dataOf(events, 'ApprovalDecided')).toEqual([{ approvalId: '2-quick_look.approval', decision: 'reject', by: 'timeout', timedOut: true }]);
    expect(dataOf(events, 'TimerFired')).toEqual([{ timerId: '2-quick_look.approval.timeout' }]);
    // It parked (no process held it) and was claimed again when due.
    expect(claimers(events)).toEqual(['w', 'w']);
    expect(dataOf<{ agentId: string }>(events, 'TaskSent').map((t) => t.agentId)).toEqual(['writer']);
    expect(events.at(-1)).toMatchObject({ type: 'RunCompleted', data: { partial: true } });
  });
});

describe('a parallel branch that waits', () => {
  const PARALLEL = [
    'name: review_and_notes',
    'kind: parallel',
    'branches:',
    '  review:',
    '    kind: sequential',
    '    name: review',
    '    agents:',
    '      - writer',
    '      - approval: publish_draft',
    '  notes: summarizer',
    'aggregator:',
    '  type: editor',
    '  id: aggregator',
    '',
  ].join('\n');

  it('parks the top-level run: status waiting with the branch\'s approval; approved under the top-level run it is queued, then resumed it completes and replay matches', async () => {
    sb = await workerSandbox('sqlite');
    write('parallel.yaml', PARALLEL);
    const parked = await runHere('parallel.yaml', 'Announce our new offline mode');
    const branch = `${parked.runId}.review`;
    const wait = { kind: 'approval', id: '2-publish_draft.approval', name: 'publish_draft', runId: branch };
    expect(parked).toMatchObject({ status: 'waiting', waitingFor: [wait] });

    const status = async (): Promise<{ status: string; waitingFor: unknown[] }> => {
      const r = await aigen(['status', parked.runId, '--json'], { sb });
      expect(r.code, r.stderr).toBe(0);
      return json(r);
    };
    expect(await status()).toMatchObject({ status: 'waiting', waitingFor: [wait] });

    const decided = await aigen(['approve', parked.runId, '--no-continue', '--as', 'ana', '--json'], { sb });
    expect(decided.code, decided.stderr).toBe(0);
    expect(json(decided)).toMatchObject({ runId: parked.runId, approvalId: wait.id, continued: 'no' });
    expect(dataOf(await eventsOf(sb.shared, branch), 'ApprovalDecided')).toEqual([{ approvalId: wait.id, decision: 'approve', by: 'ana' }]);
    expect(await status()).toMatchObject({ status: 'queued', waitingFor: [] });

    const resumed = await aigen(['resume', parked.runId, '--json'], { sb });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await status()).toMatchObject({ status: 'completed', waitingFor: [] });
    const events = await eventsOf(sb.shared, parked.runId);
    expect(dataOf(events, 'BranchParked')).toEqual([{ childRunId: branch, branch: 'review', waitingFor: [expect.objectContaining(wait)] }]);
    expect(dataOf(events, 'BranchAnswered')).toEqual([{ runId: branch, id: wait.id }]);
    const verify = await aigen(['replay', parked.runId, '--verify'], { sb });
    expect(verify.code, `${verify.stdout}\n${verify.stderr}`).toBe(0);
  });

  it('on workers: the run parks on w1, w1 is SIGKILLed; approved under the top-level run, w2 claims it after the answer and completes it', async () => {
    sb = await workerSandbox('sqlite');
    write('parallel.yaml', PARALLEL);
    const w1 = startWorker(sb, 'w1', ['--lease-ms', '1500']);
    await workerLive(sb, 'w1');
    const runId = await detach('parallel.yaml', 'Announce our new offline mode');
    const waiting = await eventually(async () => {
      const r = await aigen(['status', runId, '--json'], { sb });
      const st = json<{ status: string; waitingFor: Array<{ id: string; runId?: string }> }>(r);
      return st.status === 'waiting' ? st : false;
    }, 'the top-level run to wait');
    expect(waiting.waitingFor).toEqual([expect.objectContaining({ id: '2-publish_draft.approval', runId: `${runId}.review` })]);
    w1.kill('SIGKILL');
    startWorker(sb, 'w2', ['--lease-ms', '1500']);
    await workerLive(sb, 'w2');

    const decided = await aigen(['approve', runId, '--as', 'ana', '--json'], { sb });
    expect(decided.code, decided.stderr).toBe(0);
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the run to end', 60_000);
    const events = await eventsOf(sb.shared, runId);
    expect(events.at(-1)!.type).toBe('RunCompleted');
    expect(claimers(events)).toEqual(['w1', 'w2']);
    const position = (type: string) => events.findIndex((e) => e.type === type);
    expect(position('BranchParked')).toBeLessThan(position('BranchAnswered'));
    expect(position('BranchAnswered')).toBeLessThan(events.findIndex((e) => e.type === 'RunClaimed' && (e.data as { workerId: string }).workerId === 'w2'));
    const review = await eventsOf(sb.shared, `${runId}.review`);
    expect(dataOf(review, 'ApprovalDecided')).toEqual([{ approvalId: '2-publish_draft.approval', decision: 'approve', by: 'ana' }]);
    expect(review.at(-1)!.type).toBe('RunCompleted');
    expect((await aigen(['replay', runId, '--verify'], { sb })).code).toBe(0);
  });
});

describe('signal steps', () => {
  it('a payload its schema refuses exits 2 naming the field and records nothing; a valid one continues with the payload as the output', async () => {
    sb = await workerSandbox('sqlite');
    write(
      'order.yaml',
      [
        'name: order',
        'kind: sequential',
        'agents:',
        '  - type: writer',
        '    id: quote',
        '  - wait: payment',
        '    schema:',
        '      type: object',
        '      required: [amount, currency]',
        '      properties:',
        '        amount: { type: number, exclusiveMinimum: 0 }',
        '        currency: { enum: [EUR, USD] }',
        '  - type: writer',
        '    id: confirmation',
        '',
      ].join('\n'),
    );
    const parked = await runHere('order.yaml', 'Twelve notebooks');
    expect(parked).toMatchObject({ status: 'waiting', waitingFor: [{ kind: 'signal', id: '2-payment.signal', name: 'payment' }] });
    const before = (await eventsOf(sb.shared, parked.runId)).length;

    const bad = await aigen(['signal', parked.runId, 'payment', '{"amount": -3, "currency": "EUR"}'], { sb });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/payload field amount/);
    const missing = await aigen(['signal', parked.runId, 'payment', '{"amount": 3}'], { sb });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/payload field currency/);
    expect(await eventsOf(sb.shared, parked.runId)).toHaveLength(before);

    const ok = await aigen(['signal', parked.runId, 'payment', '{"amount": 12.5, "currency": "EUR"}', '--json'], { sb });
    expect(ok.code, ok.stderr).toBe(0);
    expect(json<RunJson>(ok)).toMatchObject({ status: 'completed' });
    const events = await eventsOf(sb.shared, parked.runId);
    expect(dataOf(events, 'SignalReceived')).toMatchObject([{ signalId: '2-payment.signal', name: 'payment', payload: { amount: 12.5, currency: 'EUR' } }]);
    const tasks = dataOf<{ agentId: string; input: string }>(events, 'TaskSent');
    expect(tasks.map((t) => t.agentId)).toEqual(['quote', 'confirmation']);
    expect(tasks[1]!.input).toContain('{"amount":12.5,"currency":"EUR"}');

    // status lists the signal step between the agent steps it came between, with who sent it.
    const status = await aigen(['status', parked.runId], { sb });
    const steps = status.stdout.slice(status.stdout.indexOf('Steps')).split('\n').slice(1, 4);
    expect(steps[0]).toMatch(/1-quote +completed/);
    expect(steps[1]).toMatch(/2-payment +received +signal payment from \S+ +\d/);
    expect(steps[2]).toMatch(/3-confirmation +completed/);
    const viewed = json<{ waits: unknown[] }>(await aigen(['status', parked.runId, '--json'], { sb }));
    expect(viewed.waits).toEqual([expect.objectContaining({ kind: 'signal', id: '2-payment.signal', stepId: '2-payment', status: 'received' })]);
  });
});

describe('sleep steps', () => {
  it('a 2 s sleep whose worker is SIGKILLed fires exactly once on a worker started afterwards, and the run completes', async () => {
    sb = await workerSandbox('sqlite');
    write('nap.yaml', 'name: nap\nkind: sequential\nagents:\n  - writer\n  - sleep: 2s\n    name: nap\n  - editor\n');
    const doomed = startWorker(sb, 'doomed', ['--lease-ms', '1500']);
    await workerLive(sb, 'doomed');
    const runId = await detach('nap.yaml', 'Write about sleeping owls');
    // The doomed worker is in the middle of the sleep: the timer started, it has not fired.
    await eventually(async () => {
      const events = await eventsOf(sb.shared, runId);
      return typed(events, 'TimerStarted').length === 1 && typed(events, 'TimerFired').length === 0;
    }, 'the sleep to start');
    doomed.kill('SIGKILL');
    startWorker(sb, 'rescuer', ['--lease-ms', '1500']);
    await eventually(async () => isEnded(await eventsOf(sb.shared, runId)), 'the run to end', 60_000);

    const events = await eventsOf(sb.shared, runId);
    expect(events.at(-1)!.type).toBe('RunCompleted');
    expect(typed(events, 'TimerStarted').map((e) => e.data)).toEqual([{ timerId: '2-nap.timer', dueAt: expect.any(String) as string, stepId: '2-nap', purpose: 'sleep' }]);
    expect(typed(events, 'TimerFired').map((e) => e.data)).toEqual([{ timerId: '2-nap.timer' }]);
    expect(completedSteps(events)).toEqual(['1-writer', '3-editor']);
    expect(claimers(events)).toEqual(['doomed', 'rescuer']);
    // The rescuer fired it (after its claim), when due and not before.
    const rescued = events.find((e) => e.type === 'RunClaimed' && (e.data as { workerId: string }).workerId === 'rescuer')!;
    expect(typed(events, 'TimerFired')[0]!.streamPosition).toBeGreaterThan(rescued.streamPosition);
    const due = Date.parse((typed(events, 'TimerStarted')[0]!.data as { dueAt: string }).dueAt);
    expect(Date.parse(typed(events, 'TimerFired')[0]!.metadata.recordedAt)).toBeGreaterThanOrEqual(due);

    // status lists the sleep as a step of its own, done, between the writer and the editor.
    const status = await aigen(['status', runId], { sb });
    const steps = status.stdout.slice(status.stdout.indexOf('Steps')).split('\n').slice(1, 4);
    expect(steps.map((l) => /^\s*\S+\s+(\S+)/.exec(l)?.[1])).toEqual(['1-writer', '2-nap', '3-editor']);
    expect(steps[1]).toMatch(/2-nap +done +sleep until \d{4}-/);
  });
});
