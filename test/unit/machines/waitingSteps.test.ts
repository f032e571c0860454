import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  ApprovalStep,
  DeterministicWorkflow,
  exportDefinition,
  parseDuration,
  SignalStep,
  SignalTimedOutError,
  SleepStep,
  validatePayload,
  ValidationError,
  type ApprovalOutcome,
  type RunServices,
  type SignalOutcome,
  type StepOutcome,
  type Waits,
  type WaitingStep,
} from '../../../src/index.js';

/** Waits answered from a script, recording what each step asked for. */
function scriptedWaits(answers: { approval?: ApprovalOutcome; signal?: SignalOutcome }) {
  const asked: Array<[string, unknown]> = [];
  const waits: Waits = {
    approval: (r) => (asked.push(['approval', r]), Promise.resolve(answers.approval!)),
    signal: (r) => (asked.push(['signal', r]), Promise.resolve(answers.signal!)),
    sleep: (r) => (asked.push(['sleep', r]), Promise.resolve()),
  };
  return { waits, asked };
}

async function run(steps: WaitingStep[], input: string, waits: Waits): Promise<StepOutcome> {
  let seq = 0;
  const services = { nextStepId: (id: string) => `${++seq}-${id}`, waits } as unknown as RunServices;
  const machine = new DeterministicWorkflow({ name: 'waiting', agents: steps }).machine({ services, prefix: '' });
  const actor = createActor(machine, { input: { input, services } });
  const done = new Promise<StepOutcome>((resolve) => actor.subscribe((s) => s.status === 'done' && resolve(s.output as StepOutcome)));
  actor.start();
  return done;
}

describe('waiting steps of a sequential workflow', () => {
  it('an approval shows the previous output and passes on the approver edit; a sleep passes it on; a signal payload replaces it', async () => {
    const { waits, asked } = scriptedWaits({ approval: { decision: 'approve', by: 'ana', output: 'edited draft' }, signal: { payload: { amount: 3 }, by: 'bank' } });
    const out = await run([new ApprovalStep({ name: 'check', prompt: 'OK?', timeout: '24h' }), new SleepStep({ duration: '2s' }), new SignalStep({ name: 'paid' })], 'the draft', waits);
    expect(asked).toEqual([
      ['approval', { approvalId: '1-check.approval', kind: 'step', stepId: '1-check', name: 'check', prompt: 'OK?', content: 'the draft', actorId: 'check', timeout: { ms: 86_400_000, onTimeout: 'reject' } }],
      ['sleep', { timerId: '2-sleep.timer', stepId: '2-sleep', actorId: 'sleep', ms: 2000 }],
      ['signal', { signalId: '3-paid.signal', stepId: '3-paid', name: 'paid', actorId: 'paid' }],
    ]);
    expect(out).toMatchObject({ ok: true, partial: false, output: '{"amount":3}' });
  });

  it('a rejected approval after the first step ends the workflow partial with APPROVAL_REJECTED and the reason', async () => {
    const { waits } = scriptedWaits({ approval: { decision: 'reject', by: 'ana', comment: 'too long' } });
    const out = await run([new SleepStep({ duration: '1s' }), new ApprovalStep({ name: 'check' })], 'the draft', waits);
    expect(out).toMatchObject({ ok: true, partial: true, text: 'the draft', error: { code: 'APPROVAL_REJECTED', message: "approval 'check' rejected by ana: too long" } });
  });

  it('a rejected approval as the first step fails the workflow', async () => {
    const { waits } = scriptedWaits({ approval: { decision: 'reject', by: 'ana', comment: 'no' } });
    const out = await run([new ApprovalStep({ name: 'check' }), new SleepStep({ duration: '1s' })], 'the request', waits);
    expect(out).toMatchObject({ ok: false, error: { code: 'WORKFLOW_FAILED', message: "Initial step check failed: approval 'check' rejected by ana: no" } });
  });

  it('a signal whose timeout passed fails the step with SIGNAL_TIMED_OUT', async () => {
    const waits: Waits = { ...scriptedWaits({}).waits, signal: () => Promise.reject(new SignalTimedOutError("signal 'paid' did not arrive by 2030-01-01T00:00:00.000Z")) };
    const out = await run([new SignalStep({ name: 'paid', timeout: '1h' })], 'x', waits);
    expect(out).toMatchObject({ ok: false, error: { code: 'WORKFLOW_FAILED', message: "Initial step paid failed: signal 'paid' did not arrive by 2030-01-01T00:00:00.000Z" } });
  });

  it('each waiting step is a state of the drawn statechart, invoking the actor named for what it waits for', () => {
    const wf = new DeterministicWorkflow({ name: 'drawn', agents: [new ApprovalStep({ name: 'check' }), new SignalStep({ name: 'paid' }), new SleepStep({ until: '2030-01-01T00:00:00Z' })] });
    const services = { nextStepId: (id: string) => id } as unknown as RunServices;
    const states = exportDefinition(wf.build({ services, prefix: '' })).machines.drawn!.root.states!;
    expect(Object.keys(states)).toEqual(['check', 'paid', 'sleep', 'completed', 'partial', 'failed']);
    expect([states.check!.invoke, states.paid!.invoke, states.sleep!.invoke]).toEqual([[{ id: 'check', src: 'approval' }], [{ id: 'paid', src: 'signal' }], [{ id: 'sleep', src: 'sleep' }]]);
  });
});

describe('options of waiting steps', () => {
  it('durations: units, combinations, and what is refused', () => {
    expect([parseDuration('500ms'), parseDuration('2s'), parseDuration('1h30m'), parseDuration('1.5d'), parseDuration(250)]).toEqual([500, 2000, 5_400_000, 129_600_000, 250]);
    for (const bad of ['', '24', 'h', '2 hours', '0s', '-1s']) expect(() => parseDuration(bad, 'timeout')).toThrow(ValidationError);
    expect(() => new ApprovalStep({ name: 'a', timeout: 'soon' })).toThrow(/timeout: expected a duration/);
    expect(() => new ApprovalStep({ name: 'a', onTimeout: 'approve' })).toThrow(/onTimeout: needs a `timeout`/);
    expect(() => new SleepStep({ until: 'tomorrow' })).toThrow(/sleepUntil: expected an ISO date-time/);
    expect(() => new SignalStep({ name: 'has space' })).toThrow(/may only hold/);
    expect(() => new SignalStep({ name: 'x', schema: { type: 'objekt' } })).toThrow(/schema: not a JSON Schema that can be checked: Unsupported type: objekt/);
  });

  it('a payload that does not match its JSON Schema is refused naming each field', () => {
    const schema = { type: 'object', required: ['amount', 'items'], additionalProperties: false, properties: { amount: { type: 'number', minimum: 0 }, items: { type: 'array', items: { type: 'object', required: ['sku'] } } } };
    expect(validatePayload(schema, { amount: 2, items: [{ sku: 'a' }] })).toEqual({ amount: 2, items: [{ sku: 'a' }] });
    const err = (() => { try { validatePayload(schema, { amount: -1, items: [{}], note: 'x' }, "signal 'paid'"); } catch (e) { return e as ValidationError; } return undefined; })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.path).toBe('amount');
    expect(() => validatePayload(schema, 'text', "signal 'paid'")).toThrow(expect.objectContaining({ path: '(payload)' }) as Error);
    expect(err!.message).toMatch(/^signal 'paid' payload field amount: .*>=0; payload field items\[0\]\.sku: required field missing; payload field note: not allowed/);
  });
});
