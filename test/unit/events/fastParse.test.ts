import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { eventDataSchemas, eventReadSchemas } from '../../../src/events/catalogue.js';
import { metadataSchema } from '../../../src/events/envelope.js';
import { compileParser, compileParsers, UNSURE } from '../../../src/events/fastParse.js';

/** The compiled parser agrees with zod: it either leaves the value to zod, or zod accepts it and writes the same JSON. */
function expectAgrees(schema: z.ZodType, parse: (v: unknown) => unknown, value: unknown): 'compiled' | 'zod' {
  const out = parse(value);
  if (out === UNSURE) return 'zod';
  const zod = schema.safeParse(value);
  expect(zod.success, `zod refuses what the compiled parser accepted: ${JSON.stringify(value)}`).toBe(true);
  expect(JSON.stringify(out)).toBe(JSON.stringify(zod.data));
  return 'compiled';
}

const write = compileParsers(eventDataSchemas);
const read = compileParsers(eventReadSchemas);
const meta = compileParser(metadataSchema);

// A hole reads as undefined, which JSON writes as null and zod refuses.
const sparse: unknown[] = [1];
sparse[2] = 3;

const usage = { requests: 1, inputTokens: 3, outputTokens: 4, totalTokens: 7 };
const runStarted = {
  runId: 'r1',
  workflow: { name: 'w', kind: 'sequential', version: '1', definition: { id: 'w', states: { a: { on: { GO: 'b' } } }, n: [1, 2.5, null, true] }, source: { agents: ['a'] } },
  input: 'go',
  options: { maxRetries: 1, retryDelayMs: 0, maxTurns: 3 },
  model: 'm',
  traceId: 't',
};

/** Values of each type that the runtime builds, and variants that zod changes or refuses. */
const samples: Array<[type: keyof typeof eventDataSchemas, data: unknown]> = [
  ['RunStarted', runStarted],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, version: undefined } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, source: { text: 'x', agents: ['a'] } } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, source: { agents: [] } } }],
  ['RunStarted', { ...runStarted, extra: 1 }],
  ['RunStarted', Object.fromEntries(Object.entries(runStarted).reverse())],
  ['RunStarted', { ...runStarted, options: { ...runStarted.options, maxRetries: 1.5 } }],
  ['RunStarted', { ...runStarted, options: { ...runStarted.options, retryDelayMs: -1 } }],
  ['RunStarted', { ...runStarted, options: { ...runStarted.options, maxTurns: 0 } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: { when: new Date(0) } } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: { n: Number.NaN } } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: { n: Number.POSITIVE_INFINITY } } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: { gone: undefined } } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: JSON.parse('{"__proto__": {"x": 1}}') as unknown } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: { [Symbol('s')]: 1, a: 1 } } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: sparse } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: new Map([['a', 1]]) } }],
  ['RunStarted', { ...runStarted, workflow: { ...runStarted.workflow, definition: Object.assign(Object.create(null) as object, { a: 1 }) } }],
  ['RunStarted', { ...runStarted, forkOf: { runId: 'r0', position: 3 } }],
  ['RunStarted', { ...runStarted, forkOf: { runId: '', position: 3 } }],
  ['Transitioned', { actorId: 'workflow', machine: 'w', from: null, to: { a: 'b', c: { d: 'e' } }, event: 'GO' }],
  ['Transitioned', { actorId: 'workflow', from: 's0', to: 's1', event: 'GO', machine: undefined }],
  ['Transitioned', { actorId: 'workflow', from: 's0', to: { a: 1 }, event: 'GO' }],
  ['Transitioned', { actorId: 'workflow', to: 's1', event: 'GO' }],
  ['ModelResponded', { stepId: 's', callId: 'c', model: 'm', response: { output: [{ type: 'message', content: [{ text: 'hi' }] }], usage } }],
  ['ModelResponded', { stepId: 's', callId: 'c', model: 'm', response: { output: [], usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } } }],
  ['StepCompleted', { stepId: 's', agentId: 'a', output: 'text', usage, attempt: 1 }],
  ['StepCompleted', { stepId: 's', agentId: 'a', output: 'text', usage, attempt: 0 }],
  ['StepFailed', { stepId: 's', agentId: 'a', error: { code: 'X', message: 'm' }, attempt: 1, willRetry: true, retryInMs: 10 }],
  ['ChildRunFinished', { childRunId: 'c', branch: 'b', status: 'completed', output: { a: [1] } }],
  ['ChildRunFinished', { childRunId: 'c', branch: 'b', status: 'done' }],
  ['BranchParked', { childRunId: 'r.b', branch: 'b', waitingFor: [{ kind: 'approval', id: 'a', runId: 'r.b', name: 'n', content: { x: [1] }, dueAt: '2025-01-01T00:00:00.000Z' }] }],
  ['BranchParked', { childRunId: 'r.b', branch: 'b', waitingFor: [{ kind: 'wait', id: 'a', runId: 'r.b', name: 'n' }] }],
  ['SpanRecorded', { traceId: 't', spanId: 's', parentId: null, spanType: 'agent', name: 'n', startedAt: null, endedAt: 'e', data: { a: { b: [{}] } } }],
  ['RunCompleted', { output: 'x', partial: false, usage, durationMs: 3 }],
];

describe('compiled event parsers', () => {
  it('accept what zod accepts with the same JSON, or leave the value to zod: catalogue samples', () => {
    const used = new Set<string>();
    for (const [type, data] of samples) {
      used.add(expectAgrees(eventDataSchemas[type], write[type]!, data));
      expectAgrees(eventReadSchemas[type], read[type]!, data);
    }
    // Both paths are taken: plain values are parsed without zod, odd ones with it.
    expect([...used].sort()).toEqual(['compiled', 'zod']);
  });

  it('metadata: strict keys, any order, and refused values are left to zod', () => {
    const base = { runId: 'r', actorId: 'a', recordedAt: '2025-01-01T00:00:00.000Z', schemaVersion: 1 };
    expect(meta(base)).toBe(base);
    for (const m of [{ ...base, tags: { a: 'b' } }, { tags: { a: 'b' }, ...base }, { ...base, other: 1 }, { ...base, schemaVersion: 0 }, { ...base, tags: { a: 1 } }, { ...base, runId: undefined }]) {
      expectAgrees(metadataSchema, meta, m);
    }
    expect(meta({ ...base, other: 1 })).toBe(UNSURE);
  });

  it('a cyclic value is left to zod', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(write.TaskSent!({ stepId: 's', agentId: 'a', input: loop, attempt: 1 })).toBe(UNSURE);
  });

  it('agree with zod on arbitrary JSON-like values in every JSON field and on arbitrary objects', () => {
    const json = fc.jsonValue();
    const anything = fc.oneof(json, fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withSparseArray: true }));
    fc.assert(
      fc.property(anything, anything, (input, output) => {
        expectAgrees(eventDataSchemas.TaskSent, write.TaskSent!, { stepId: 's', agentId: 'a', input, attempt: 1 });
        expectAgrees(eventDataSchemas.StepCompleted, write.StepCompleted!, { stepId: 's', agentId: 'a', output, usage, attempt: 1 });
        expectAgrees(eventDataSchemas.Transitioned, write.Transitioned!, { actorId: 'a', from: input, to: output, event: 'E' });
        expectAgrees(eventDataSchemas.RunCompleted, write.RunCompleted!, output);
        expectAgrees(metadataSchema, meta, input);
      }),
      { numRuns: 500 },
    );
  });
});
