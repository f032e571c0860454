import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from '../../../src/events/ids.js';
import { aigenCodec } from '../../../src/events/codec.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('time-ordered ids', () => {
  it('are version-7 UUIDs that carry their time in ms and sort by it', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => timeOrderedUuid(t));
    for (const id of ids) expect(id).toMatch(V7);
    expect(parseInt(ids[0]!.slice(0, 8) + ids[0]!.slice(9, 13), 16)).toBe(1_700_000_000_000);
    expect([...ids].reverse().sort()).toEqual(ids);
  });

  it('differ within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => timeOrderedUuid(1_700_000_000_000));
    expect(new Set(ids).size).toBe(1000);
  });

  it('are what an event appended without an id gets', () => {
    const encoded = aigenCodec.encode({ type: 'BranchTaken', data: { stepId: '1-classifier', branch: 'blog', reason: 'asked for a post' }, metadata: { runId: 'r', rootRunId: 'r', traceId: 't' } });
    expect(encoded.eventId).toMatch(V7);
  });
});
