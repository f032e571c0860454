import { describe, expect, it } from 'vitest';
import type { DeterministicWorkflow} from '../../../src/index.js';
import { ApprovalStep, parseWorkflowSource, SignalStep, SleepStep, WorkflowFileError } from '../../../src/index.js';

/** The `file:line:column: field: message` lines of a file's issues. */
function issues(text: string): string[] {
  try {
    parseWorkflowSource(text, { file: 'w.yaml' });
  } catch (err) {
    if (err instanceof WorkflowFileError) return err.issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
    throw err;
  }
  return [];
}

describe('waiting steps in workflow files', () => {
  it('approval, wait, sleep and sleepUntil steps build between the agents of a sequential workflow', () => {
    const wf = parseWorkflowSource(
      [
        'name: reviewed',
        'kind: sequential',
        'agents:',
        '  - writer',
        '  - approval: publish',
        '    prompt: Publish this draft?',
        '    timeout: 24h',
        '    onTimeout: approve',
        '  - wait: payment',
        '    prompt: Confirm the payment',
        '    timeout: 2d',
        '    schema: { type: object, required: [amount], properties: { amount: { type: number, minimum: 0 } } }',
        '  - sleep: 1h30m',
        '  - sleepUntil: 2030-01-01T09:00:00Z',
        '    name: new_year',
        '  - editor',
      ].join('\n'),
    ) as DeterministicWorkflow;
    const [writer, approval, wait, sleep, until, editor] = wf.sequence();
    expect(wf.agents().map((a) => a.agentId)).toEqual(['writer', 'editor']);
    expect([writer, editor].map((s) => (s as { agentId: string }).agentId)).toEqual(['writer', 'editor']);
    expect(approval).toBeInstanceOf(ApprovalStep);
    expect(approval).toMatchObject({ name: 'publish', prompt: 'Publish this draft?', timeout: { ms: 86_400_000, onTimeout: 'approve' } });
    expect(wait).toBeInstanceOf(SignalStep);
    expect(wait).toMatchObject({ name: 'payment', prompt: 'Confirm the payment', timeoutMs: 172_800_000, schema: { type: 'object', required: ['amount'] } });
    expect(sleep).toBeInstanceOf(SleepStep);
    expect(sleep).toMatchObject({ name: 'sleep', afterMs: 5_400_000 });
    expect(until).toMatchObject({ name: 'new_year', until: '2030-01-01T09:00:00.000Z' });
  });

  it('bad options are reported at their line with the field path', () => {
    const text = [
      'name: bad',
      'kind: sequential',
      'agents:',
      '  - writer',
      '  - approval: publish',
      '    timeout: soon',
      '  - wait: paid',
      '    schema: { type: objekt }',
      '  - sleep: 0s',
      '  - sleepUntil: 2026-13-01',
      '  - sleep: 2s',
      '    sleepUntil: 2030-01-01T00:00:00Z',
      '  - approval: keep',
      '    onTimeout: approve',
    ].join('\n');
    expect(issues(text)).toEqual([
      "6:5 agents[1].timeout: expected a duration such as '30s', '15m', '24h', '2d' or '1h30m' (units ms, s, m, h, d, w), got 'soon'",
      '8:5 agents[2].schema: not a JSON Schema that can be checked: Unsupported type: objekt',
      "9:5 agents[3].sleep: must be longer than 0, got '0s'",
      "10:5 agents[4].sleepUntil: expected an ISO date-time such as '2026-12-07T09:00:00Z', got '2026-13-01'",
      '12:5 agents[5].sleepUntil: a step sleeps for a duration (`sleep`) or until a moment (`sleepUntil`), not both',
      '14:5 agents[6].onTimeout: needs a `timeout`',
    ]);
  });

  it('misspelt keys get suggestions; names are checked; unknown keys are errors', () => {
    const text = ['name: bad', 'kind: sequential', 'agents:', '  - aproval: publish', '    promt: OK?', '  - wait: has space', '  - sleep: 1s', '    timeout: 2s'].join('\n');
    expect(issues(text)).toEqual([
      "4:5 agents[0].aproval: unknown key 'aproval' — did you mean 'approval'?",
      "5:5 agents[0].promt: unknown key 'promt' — did you mean 'prompt'?",
      "6:5 agents[1].wait: may only hold letters, digits, '_', '.', '-'",
      "8:5 agents[2].timeout: unknown key 'timeout' (allowed: sleep, sleepUntil, name)",
    ]);
  });

  it('a step that waits anywhere but among the agents of a sequential workflow is refused', () => {
    expect(issues('name: r\nkind: branching\nclassifier: strategy\nbranches:\n  a: { approval: ok }\n  b: writer\n')).toEqual([
      '5:3 branches.a: a step that waits (`approval`) can only be one of the agents of a sequential workflow',
    ]);
    expect(issues('name: p\nkind: parallel\nbranches:\n  a: writer\naggregator: { sleep: 1s }\n')).toEqual([
      '5:1 aggregator: must be a single agent (a type, or a mapping with `type`); a step that waits is not allowed here',
    ]);
  });
});
