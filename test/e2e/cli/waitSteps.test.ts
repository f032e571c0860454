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

const dataOf = <T>(events: Awaited<ReturnType<typeof eventsOf>>, type: string) => typed(events, type).map((e) => e.data as T);

describe('approval steps', () => {
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
  });
});
