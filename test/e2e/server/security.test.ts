import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokenRequiredError, ApiTokenTooShortError, CONTENT_SECURITY_POLICY, createServer, isLoopbackHost, serve } from '../../../src/server/index.js';
import { collect, withHeaders } from './sseClient.js';
import { startRun, startTestServer, type TestServer } from './helpers.js';

const BIN = resolve(import.meta.dirname, '../../../bin/aigen.js');
const TOKEN = 'test-token-0123456789';

/** Run `aigen …` in a temporary folder; resolves with exit code and output. */
function aigen(args: string[], env: NodeJS.ProcessEnv, onStdout?: (text: string, kill: () => void) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'aigen-serve-'));
  const child = spawn(process.execPath, [BIN, '--store', `sqlite:${join(dir, 'a.db')}`, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    onStdout?.(stdout, () => child.kill('SIGINT'));
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      done({ code, stdout, stderr });
    }),
  );
}

describe('binding and the API token', () => {
  it('loopback names are recognised', () => {
    expect(['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.4', 'example.com'].some(isLoopbackHost)).toBe(false);
  });

  it('a non-loopback host without a token refuses to start', async () => {
    const t = await startTestServer();
    try {
      await expect(serve({ store: t.store, engine: t.engine, projections: t.projections, host: '0.0.0.0', port: 0 })).rejects.toThrow(ApiTokenRequiredError);
    } finally {
      await t.close();
    }
    const env = { AIGEN_API_TOKEN: '' };
    const r = await aigen(['serve', '--host', '0.0.0.0', '--port', '0'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/AIGEN_API_TOKEN/);
  }, 30_000);

  it('with a token, every /api request needs it (401 without); the UI shell is public', async () => {
    const t = await startTestServer({ token: TOKEN });
    try {
      const server = await t.listen({ host: '0.0.0.0' });
      const base = `http://127.0.0.1:${server.port}`;
      for (const path of ['/api/runs', '/api/workflows', '/api/events', '/api/runs/x/definition']) {
        const res = await fetch(`${base}${path}`);
        expect(res.status, path).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
      }
      expect((await fetch(`${base}/api/runs`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${base}/api/runs`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } })).status).toBe(401);
      const ok = await fetch(`${base}/api/workflows`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect((await fetch(`${base}/`)).status).toBe(200);
      const runId = await startRun(t.app, 'research', 'Tides', { Authorization: `Bearer ${TOKEN}` });
      const got = await collect(`${base}/api/runs/${runId}/events`, { fetch: withHeaders({ Authorization: `Bearer ${TOKEN}` }) });
      expect(got.at(-1)?.type).toBe('end');
    } finally {
      await t.close();
    }
  });

  it('a token shorter than 16 characters is refused at start (library and `aigen serve`, exit 2)', async () => {
    const t = await startTestServer();
    try {
      const deps = { store: t.store, engine: t.engine, projections: t.projections };
      expect(() => createServer({ ...deps, token: 'short-secret' })).toThrow(ApiTokenTooShortError);
      await expect(serve({ ...deps, token: '0123456789abcde', host: '0.0.0.0', port: 0 })).rejects.toThrow(/at least 16/);
      expect(() => createServer({ ...deps, token: '0123456789abcdef' })).not.toThrow();
    } finally {
      await t.close();
    }
    for (const args of [['serve', '--port', '0'], ['serve', '--host', '0.0.0.0', '--port', '0']]) {
      const r = await aigen(args, { AIGEN_API_TOKEN: 'hunter2' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/AIGEN_API_TOKEN\) has 7 characters; use at least 16/);
      expect(r.stderr).not.toMatch(/hunter2/);
      expect(r.stdout).not.toMatch(/aigen serving/);
    }
  }, 60_000);

  it('`aigen serve --port` outside 0–65535 or not a number is a usage error (exit 2)', async () => {
    for (const port of ['99999', '-1', 'abc']) {
      const r = await aigen(['serve', '--port', port], {});
      expect(r.code, port).toBe(2);
      expect(r.stderr, port).toMatch(/--port.*expected a port number from 0 to 65535/);
    }
  }, 90_000);

  it('`aigen serve` with AIGEN_API_TOKEN on a non-loopback host starts, prints its URL and answers 401 without the token', async () => {
    let status = 0;
    const r = await aigen(['serve', '--host', '0.0.0.0', '--port', '0'], { AIGEN_API_TOKEN: TOKEN }, (out, kill) => {
      const url = /aigen serving (http:\S+)/.exec(out)?.[1];
      if (!url || status) return;
      status = -1;
      void fetch(`${url}/api/runs`).then((res) => {
        status = res.status;
        kill();
      });
    });
    expect(r.code).toBe(0);
    expect(status).toBe(401);
  }, 30_000);
});

describe('without a token (loopback)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('answers only loopback Host names (no DNS rebinding)', async () => {
    expect((await t.app.request('http://localhost/api/workflows')).status).toBe(200);
    expect((await t.app.request('http://127.0.0.1:4400/api/workflows')).status).toBe(200);
    const res = await t.app.request('http://evil.example/api/workflows');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN_HOST');
  });

  it('sends a Content-Security-Policy without inline scripts, and the page has none', async () => {
    for (const path of ['/', '/runs/abc', '/api/workflows', '/app.js']) {
      const res = await t.app.request(path);
      expect(res.headers.get('content-security-policy'), path).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await (await t.app.request('/')).text();
    expect(html).toMatch(/<script type="module" src="\/app.js">/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('serves the UI files and elkjs, and nothing outside web/', async () => {
    const js = await t.app.request('/app.js');
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    expect((await t.app.request('/vendor/elk.bundled.js')).status).toBe(200);
    expect((await t.app.request('/vendor/other.js')).status).toBe(404);
    for (const path of ['/..%2fpackage.json', '/%2e%2e/package.json', '/eslint.config.js', '/tsconfig.json', '/types.d.ts', '/nope.js']) {
      expect((await t.app.request(path)).status, path).toBe(404);
    }
  });

  it('`aigen serve` prints its URL, serves API and UI, and stops on Ctrl-C', async () => {
    const seen: number[] = [];
    const r = await aigen(['serve', '--port', '0'], {}, (out, kill) => {
      const url = /aigen serving (http:\S+)/.exec(out)?.[1];
      if (!url || seen.length) return;
      seen.push(0);
      void Promise.all([fetch(`${url}/api/workflows`), fetch(`${url}/`)]).then((rs) => {
        seen.push(...rs.map((x) => x.status));
        kill();
      });
    });
    expect(r.stdout).toMatch(/aigen serving http:\/\/127\.0\.0\.1:\d+/);
    expect(seen.slice(1)).toEqual([200, 200]);
    expect(r.code).toBe(0);
  }, 30_000);
});
