import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aigenCodec, createCodec, type RawEvent } from '../../../src/events/codec.js';
import { MAX_EVENT_BYTES } from '../../../src/events/envelope.js';
import { CorruptEventError, EventValidationError } from '../../../src/events/errors.js';

const transitioned = { actorId: 'workflow', from: null, to: 'running', event: 'START' };
const at = { streamId: 'run-1', streamPosition: 4, globalPosition: '17' };
const raw = (over: Partial<RawEvent> = {}): RawEvent => ({
  ...at,
  eventId: 'e-1',
  type: 'Transitioned',
  data: JSON.stringify(transitioned),
  metadata: JSON.stringify({ recordedAt: '2024-01-01T00:00:00.000Z', schemaVersion: 1 }),
  ...over,
});

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('codec: encode', () => {
  it('names the event type and the field path of a missing field', () => {
    const err = thrown(() => aigenCodec.encode({ type: 'Transitioned', data: { ...transitioned, actorId: undefined } }));
    expect(err).toBeInstanceOf(EventValidationError);
    expect(err.message).toMatch(/^Transitioned\.data\.actorId: /);
    expect(err).toMatchObject({ code: 'EVENT_INVALID', path: 'Transitioned.data' });
  });

  it('names nested field paths', () => {
    const data = {
      runId: 'r1',
      workflow: { name: 'w', kind: 'sequential', definition: {} },
      input: 'go',
      options: { maxRetries: -1, retryDelayMs: 0, maxTurns: 3 },
      model: 'offline',
      traceId: 't',
    };
    const err = thrown(() => aigenCodec.encode({ type: 'RunStarted', data }));
    expect(err.message).toMatch(/^RunStarted\.data\.options\.maxRetries: /);
  });

  it('names array indexes in field paths', () => {
    const codec = createCodec({ schemas: { List: z.object({ items: z.array(z.number()) }) }, version: 1 });
    expect(thrown(() => codec.encode({ type: 'List', data: { items: [1, 'two'] } })).message).toMatch(/^List\.data\.items\[1\]: /);
  });

  it('names invalid metadata fields', () => {
    const err = thrown(() => aigenCodec.encode({ type: 'Transitioned', data: transitioned, metadata: { schemaVersion: 0 } }));
    expect(err.message).toMatch(/^Transitioned\.metadata\.schemaVersion: /);
  });

  it('rejects an unknown type by name', () => {
    const err = thrown(() => aigenCodec.encode({ type: 'Nope', data: {} }));
    expect(err).toBeInstanceOf(EventValidationError);
    expect(err.message).toBe("unknown event type 'Nope'");
  });

  it('rejects values that are not JSON: BigInt in a json field, circular objects, BigInt in metadata', () => {
    const task = (input: unknown) => ({ type: 'TaskSent', data: { stepId: 's', agentId: 'a', input, attempt: 1 } });
    expect(thrown(() => aigenCodec.encode(task(1n))).message).toMatch(/^TaskSent\.data\.input: /);
    const loop: Record<string, unknown> = {};
    loop.loop = loop;
    expect(thrown(() => aigenCodec.encode(task(loop))).message).toMatch(/^TaskSent\.data is not JSON-serialisable/);
    const err = thrown(() => aigenCodec.encode({ type: 'Transitioned', data: transitioned, metadata: { tags: { n: 1n } } as never }));
    expect(err).toBeInstanceOf(EventValidationError);
    expect(err.message).toMatch(/^Transitioned\.metadata\.tags\.n: /);
    const unknown = thrown(() => aigenCodec.encode({ type: 'Transitioned', data: transitioned, metadata: { colour: 'red' } as never }));
    expect(unknown.message).toMatch(/^Transitioned\.metadata: Unrecognized key/);
  });

  it('rejects an event over the size limit, naming type and limit', () => {
    const codec = createCodec({ schemas: { Blob: z.object({ s: z.string() }) }, version: 1 });
    expect(() => codec.encode({ type: 'Blob', data: { s: 'x'.repeat(MAX_EVENT_BYTES - 200) } })).not.toThrow();
    const err = thrown(() => codec.encode({ type: 'Blob', data: { s: 'x'.repeat(MAX_EVENT_BYTES) } }));
    expect(err.message).toMatch(new RegExp(`^Blob is \\d+ bytes serialised; the limit is ${MAX_EVENT_BYTES} bytes$`));
  });

  it('fills eventId, recordedAt and schemaVersion, keeps given metadata and serialises once', () => {
    const codec = createCodec({
      schemas: { Ping: z.object({ n: z.number() }) },
      version: 3,
      now: () => new Date('2025-05-05T05:05:05.000Z'),
    });
    const e = codec.encode({ type: 'Ping', data: { n: 1 }, metadata: { runId: 'r' } });
    expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(e.data)).toEqual({ n: 1 });
    expect(JSON.parse(e.metadata)).toEqual({ runId: 'r', recordedAt: '2025-05-05T05:05:05.000Z', schemaVersion: 3 });
    const mine = '0b7e1c8a-3f7d-4c55-9d0e-5a1f2b3c4d5e';
    expect(codec.encode({ eventId: mine, type: 'Ping', data: { n: 2 } }).eventId).toBe(mine);
    expect(() => codec.encode({ eventId: 'mine', type: 'Ping', data: { n: 2 } })).toThrow(/^Ping\.eventId: must be a UUID/);
  });
});

describe('codec: decode', () => {
  it('round-trips an encoded event with its location', () => {
    const id = '9e9e9e9e-0000-4000-8000-000000000009';
    const enc = aigenCodec.encode({ eventId: id, type: 'Transitioned', data: transitioned });
    expect(aigenCodec.decode({ ...at, ...enc })).toMatchObject({ ...at, eventId: id, type: 'Transitioned', data: transitioned });
  });

  it('accepts already parsed JSON (jsonb columns)', () => {
    const e = aigenCodec.decode(raw({ data: transitioned, metadata: { recordedAt: 'x', schemaVersion: 1 } }));
    expect(e.data).toEqual(transitioned);
  });

  it.each([
    ['invalid JSON', raw({ data: '{"actorId":' }), /invalid JSON/],
    ['an unknown type', raw({ type: 'Gone' }), /unknown event type 'Gone'/],
    ['a payload failing its schema', raw({ data: '{}' }), /Transitioned\.data\.actorId: /],
    ['metadata without recordedAt', raw({ metadata: '{"schemaVersion":1}' }), /Transitioned\.metadata\.recordedAt: /],
  ])('reports %s as CorruptEventError naming the position', (_what, row, reason) => {
    const err = thrown(() => aigenCodec.decode(row));
    expect(err).toBeInstanceOf(CorruptEventError);
    expect((err as CorruptEventError).location).toEqual(at);
    expect(err.message).toContain('run-1@4 (global 17)');
    expect(err.message).toMatch(reason);
  });

  it('rejects a schemaVersion newer than this build understands', () => {
    const err = thrown(() => aigenCodec.decode(raw({ metadata: '{"recordedAt":"x","schemaVersion":2}' })));
    expect(err).toBeInstanceOf(CorruptEventError);
    expect(err.message).toMatch(/schemaVersion 2 is newer than this build understands \(1\)/);
  });

  describe('upcasting', () => {
    // v1: { name }, v2: { fullName }, v3: { fullName, tags }
    const codec = createCodec({
      schemas: { Person: z.object({ fullName: z.string(), tags: z.array(z.string()) }) },
      version: 3,
      upcasters: {
        Person: {
          1: (d) => ({ fullName: (d as { name: string }).name }),
          2: (d) => ({ ...(d as object), tags: [] }),
        },
      },
    });
    const stored = (data: unknown, schemaVersion: number): RawEvent => ({
      ...at,
      eventId: 'p',
      type: 'Person',
      data: JSON.stringify(data),
      metadata: JSON.stringify({ recordedAt: 'x', schemaVersion }),
    });

    it('upcasts a v1 payload through every step to the current version', () => {
      const e = codec.decode(stored({ name: 'Ada' }, 1));
      expect(e.data).toEqual({ fullName: 'Ada', tags: [] });
      expect(e.metadata.schemaVersion).toBe(3);
    });

    it('upcasts from an intermediate version', () => {
      expect(codec.decode(stored({ fullName: 'Bob' }, 2)).data).toEqual({ fullName: 'Bob', tags: [] });
    });

    it('leaves current payloads alone', () => {
      expect(codec.decode(stored({ fullName: 'Cy', tags: ['a'] }, 3)).data).toEqual({ fullName: 'Cy', tags: ['a'] });
    });

    it('validates the upcast result', () => {
      const err = thrown(() => codec.decode(stored({ name: 42 }, 1)));
      expect(err).toBeInstanceOf(CorruptEventError);
      expect(err.message).toMatch(/Person\.data\.fullName: /);
    });

    it('rejects an old version without an upcaster, and a newer version', () => {
      const partial = createCodec({ schemas: { Person: z.object({ fullName: z.string() }) }, version: 2 });
      expect(thrown(() => partial.decode(stored({ name: 'A' }, 1))).message).toMatch(/no upcaster for Person from schemaVersion 1/);
      expect(thrown(() => codec.decode(stored({}, 4))).message).toMatch(/schemaVersion 4 is newer/);
    });
  });
});
