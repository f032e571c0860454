import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { MAX_EVENT_BYTES, type NewEvent } from '../../src/events/envelope.js';
import { CorruptEventError, EventValidationError } from '../../src/events/errors.js';
import { rejectionOf } from './appendCases.js';
import { CASES } from './cases.js';
import type { SuiteContext } from './eventStore.conformance.js';
import { Collector, ids, readAll, readStream, readUntilError, streamId, taskSent, tos, transitioned, transitions } from './testEvents.js';

const WORKER = fileURLToPath(new URL('./fixtures/appendWorker.ts', import.meta.url));
const ACKS_BEFORE_KILL = 40;

/** Run the append worker against `url`, SIGKILL it after `acks` acknowledgements; every acked eventId. */
function appendThenKill(url: string, stream: string, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, url, stream], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let partial = '';
    let stderr = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      acked.push(...lines.filter((l) => l !== ''));
      if (!killed && acked.length >= acks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    // 'close' fires after stdout is drained: acks printed before the kill are all counted.
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL' && killed) resolve(acked);
      else reject(new Error(`append worker exited early (code ${code}, signal ${signal}) after ${acked.length} acks: ${stderr}`));
    });
  });
}

const circular: Record<string, unknown> = { name: 'loop' };
circular.self = circular;

const badEvents: Array<[title: string, event: () => NewEvent, message: RegExp]> = [
  [CASES.badBigInt, () => taskSent(10n), /TaskSent\.data\.input/],
  [CASES.badCircular, () => taskSent({ nested: circular }), /TaskSent\.data.*not JSON-serialisable/],
  [CASES.badMetadata, () => ({ ...transitioned(1), metadata: { tags: { big: 1n } } as never }), /Transitioned\.metadata\.tags\.big: /],
  [CASES.badSchema, () => ({ type: 'Transitioned', data: { from: null, to: 's1', event: 'GO' } }), /Transitioned\.data\.actorId/],
  [CASES.badType, () => ({ type: 'NoSuchEvent', data: {} }), /unknown event type 'NoSuchEvent'/],
  [CASES.badSize, () => taskSent('x'.repeat(MAX_EVENT_BYTES)), /^TaskSent is \d+ bytes serialised; the limit is 16777216 bytes$/],
];

const validMetadata = (): string => JSON.stringify({ recordedAt: new Date().toISOString(), schemaVersion: 1 });

const corruptRows: Array<[title: string, row: { type: string; data: string }, reason: RegExp]> = [
  [CASES.corruptJson, { type: 'Transitioned', data: '{"actorId": "a", "to": ' }, /invalid JSON/],
  [CASES.corruptType, { type: 'NoSuchEvent', data: '{}' }, /unknown event type 'NoSuchEvent'/],
  [CASES.corruptSchema, { type: 'Transitioned', data: '{"from": null, "to": "s3", "event": "GO"}' }, /Transitioned\.data\.actorId/],
];

export function faultCases({ store, harness, reopen, test }: SuiteContext): void {
  test(
    CASES.durability,
    async () => {
      const url = harness.url();
      if (url === undefined) throw new Error(`${harness.name} has no url(): declare this case in harness.unsupported`);
      const s = streamId();
      const acked = await appendThenKill(url, s, ACKS_BEFORE_KILL);
      expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);
      const reopened = await reopen();
      const events = await readStream(reopened, s);
      expect(events.length).toBeGreaterThanOrEqual(acked.length);
      expect(ids(events.slice(0, acked.length))).toEqual(acked);
      events.forEach((e, i) => {
        expect(e.streamPosition).toBe(i);
        expect(e.data).toEqual(transitioned(i).data);
      });
    },
    30_000,
  );

  for (const [title, bad, message] of badEvents) {
    test(title, async () => {
      const s = streamId();
      const head = await store().headPosition();
      const err = await rejectionOf(store().append(s, [transitioned(0), bad()], { expectedVersion: 'no_stream' }));
      expect(err).toBeInstanceOf(EventValidationError);
      expect((err as Error).message).toMatch(message);
      expect(await store().streamVersion(s)).toBeUndefined();
      expect(await readStream(store(), s)).toEqual([]);
      expect(await store().headPosition()).toBe(head);
    });
  }

  test(CASES.badStreamId, async () => {
    for (const id of ['', '   ']) {
      const err = await rejectionOf(store().append(id, transitions(1)));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ path: 'streamId' });
    }
    expect(await store().headPosition()).toBeUndefined();
  });

  for (const [title, row, reason] of corruptRows) {
    test(title, async () => {
      const s = streamId();
      const good = await store().append(s, transitions(3));
      await harness.plantRow({ streamId: s, type: row.type, data: row.data, metadata: validMetadata() });
      const expectCorrupt = (err: unknown): CorruptEventError => {
        expect(err).toBeInstanceOf(CorruptEventError);
        const c = err as CorruptEventError;
        expect(c.location).toMatchObject({ streamId: s, streamPosition: 3 });
        expect(good.positions).not.toContain(c.location.globalPosition);
        expect(c.message).toContain(`${s}@3 (global ${c.location.globalPosition})`);
        expect(c.message).toMatch(reason);
        return c;
      };
      const byStream = await readUntilError(store().readStream(s));
      expect(tos(byStream.delivered)).toEqual(['s0', 's1', 's2']);
      const corrupt = expectCorrupt(byStream.error);
      const byAll = await readUntilError(store().readAll());
      expect(tos(byAll.delivered)).toEqual(['s0', 's1', 's2']);
      expectCorrupt(byAll.error);
      const live = new Collector(store().subscribe({ streamId: s }));
      await live.ended();
      expect(tos(live.seen)).toEqual(['s0', 's1', 's2']);
      expectCorrupt(live.error);
      // The store keeps working: reads around the row, appends after it.
      expect(tos(await readStream(store(), s, { to: 2 }))).toEqual(['s0', 's1', 's2']);
      await store().append(s, [transitioned(4)], { expectedVersion: 3 });
      const other = streamId();
      await store().append(other, transitions(2));
      const after = await readAll(store(), { from: corrupt.location.globalPosition });
      expect(after.map((e) => `${e.streamId === s ? 's' : 'other'}:${String((e.data as { to: unknown }).to)}`)).toEqual([
        's:s4',
        'other:s0',
        'other:s1',
      ]);
    });
  }
}
