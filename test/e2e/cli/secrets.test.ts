import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fail } from '../../../src/testing/scriptedModel.js';
import { openStore } from '../../../src/store/openStore.js';
import { startOpenAIStub, type OpenAIStub } from '../../support/openaiStub.js';
import { aigen, sandbox, type Sandbox } from './helpers.js';

// A model server that echoes the caller's key in its 401 answer (as OpenAI does) must not get
// that key into the store, the terminal or the logs, whatever the key looks like.
const KEY = 'proj-live-Zq81xKw0TTp3mNc7vB2s';
let sb: Sandbox;
let stub: OpenAIStub;
beforeAll(async () => {
  sb = sandbox();
  stub = await startOpenAIStub({
    responses: () => fail(Object.assign(new Error(`Incorrect API key provided: ${KEY}. Authorization: Bearer ${KEY}`), { status: 401 })),
  });
});
afterAll(async () => {
  await stub.close();
  sb.cleanup();
});

describe('secrets', () => {
  it('a key echoed by a 401 is in no event, no output and no log line', async () => {
    const r = await aigen(['run', 'writer', 'Leak test', '--model', 'gpt-4.1-mini', '--max-retries', '0', '--log-level', 'debug'], {
      sb,
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: stub.baseURL, AIGEN_TRACE_EXPORT: '0' },
    });
    expect(r.code).toBe(1);
    expect(stub.requests.length).toBeGreaterThan(0);
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.stderr).toContain('refused the API key');
    expect(r.stderr + r.stdout).not.toContain(KEY);
    // Every byte of the database (and its write-ahead log) is free of the key.
    for (const file of readdirSync(sb.dir).filter((f) => f.startsWith('aigen.db'))) {
      expect(readFileSync(join(sb.dir, file)).includes(KEY), file).toBe(false);
    }
    const store = await openStore(sb.store);
    const types = new Set<string>();
    const texts: string[] = [];
    try {
      for await (const e of store.readAll()) {
        types.add(e.type);
        texts.push(JSON.stringify(e));
      }
    } finally {
      await store.close();
    }
    expect([...types]).toEqual(expect.arrayContaining(['ModelFailed', 'StepFailed', 'RunFailed']));
    const all = texts.join('\n');
    expect(all).toContain('Incorrect API key provided: [redacted]');
    expect(all).not.toContain(KEY);
  });

  it('the PostgreSQL password is masked in the hints printed after a run', async () => {
    const url = `postgres://postgres:Hunter2secret@127.0.0.1:5432/test?schema=aigen_secrets_${process.pid}`;
    const r = await aigen(['--store', url, 'run', 'writer', 'Hints'], { sb });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`aigen status`);
    expect(r.stderr).toContain('postgres://postgres:***@127.0.0.1:5432/test');
    expect(r.stderr).not.toContain('Hunter2secret');
  });
});
