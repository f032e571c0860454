import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/index.js';
import { subscribeThroughOutages } from '../../../src/store/throughOutages.js';
import { testStoreUrls } from '../../support/stores.js';

const urls = testStoreUrls('closed');

describe.each(['sqlite', 'postgres'] as const)('a %s store used after close()', (kind) => {
  it('refuses reads and appends with STORE_CLOSED, and a subscription through outages ends instead of asking it again forever', async () => {
    const store = await openStore(urls[kind]());
    // Follows from the end: it probes the head again after every failure it takes for an outage.
    const ended = new Promise<string>((resolve) => {
      subscribeThroughOutages(store, { from: 'end' }).subscribe({ complete: () => resolve('complete'), error: (e: unknown) => resolve((e as { code?: string }).code ?? 'error') });
    });
    await store.close();
    expect(['complete', 'STORE_CLOSED']).toContain(await ended);
    await expect(store.headPosition()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.append('run-y', [])).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    const read = async () => {
      for await (const _ of store.readStream('run-x')) return;
    };
    await expect(read()).rejects.toMatchObject({ code: 'STORE_CLOSED', message: 'the event store is closed: cannot read a stream' });
  });
});
