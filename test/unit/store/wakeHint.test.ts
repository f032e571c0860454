import { describe, expect, it } from 'vitest';
import { mayMatch } from '../../../src/store/driver.js';
import { hintOf, hintPayload, parseHint } from '../../../src/store/postgres/wakeHint.js';

const request = (streamId: string, ...types: string[]) => ({
  streamId,
  expectedVersion: 'any' as const,
  events: types.map((type) => ({ eventId: '00000000-0000-4000-8000-000000000000', type, data: '{}', metadata: '{}', generatedId: true })),
});

describe('wake hints', () => {
  it('a wake-up concerns a subscription only when its types and streams can match the filter', () => {
    const hint = hintOf([request('run-a', 'TaskSent', 'ModelCalled'), request('run-b', 'Transitioned')]);
    expect(mayMatch(hint, {})).toBe(true);
    expect(mayMatch(hint, { types: ['RunCancelled'] })).toBe(false);
    expect(mayMatch(hint, { types: ['RunCancelled', 'Transitioned'] })).toBe(true);
    expect(mayMatch(hint, { streamId: 'run-c' })).toBe(false);
    expect(mayMatch(hint, { streamId: 'run-b', types: ['Transitioned'] })).toBe(true);
    expect(mayMatch(hint, { streamPrefix: 'order-' })).toBe(false);
    expect(mayMatch(hint, { streamPrefix: 'run-' })).toBe(true);
    expect(mayMatch({ types: ['TaskSent'] }, { streamId: 'run-c' })).toBe(true);
    expect(mayMatch(undefined, { types: ['RunCancelled'] })).toBe(true);
  });

  it('a notification payload carries the hint, drops the streams past the size limit, and any other payload means anything', () => {
    const hint = hintOf([request('run-a', 'TaskSent')]);
    expect(parseHint(hintPayload(hint))).toEqual(hint);
    const many = hintOf(Array.from({ length: 1000 }, (_, i) => request(`run-${String(i).padStart(40, '0')}`, 'RunStarted')));
    expect(parseHint(hintPayload(many))).toEqual({ types: ['RunStarted'] });
    for (const payload of ['', 'not json', '{"types":"x"}', '{"types":[1]}', '{"types":[],"streams":[2]}']) expect(parseHint(payload)).toBeUndefined();
  });
});
