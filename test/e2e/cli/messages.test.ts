import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aigen, oneLineError, sandbox, type Sandbox } from './helpers.js';

/** Errors that say what went wrong and what to do, through the CLI. */

let sb: Sandbox;
beforeAll(() => {
  sb = sandbox();
});
afterAll(() => sb.cleanup());

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('model server errors', () => {
  it('an unreachable server is named with its URL and the network error', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((r) => closed.close(r));
    const url = `http://127.0.0.1:${port}/v1`;
    const r = await aigen(['run', 'writer', 'x', '--model', 'gpt-4o-mini', '--max-retries', '0'], {
      sb,
      env: { OPENAI_API_KEY: 'sk-test-unreachable-0000', OPENAI_BASE_URL: url },
    });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain(`cannot reach the model server at ${url} (ECONNREFUSED)`);
  }, 60_000);

  it('a refused key says so and never prints the key', async () => {
    const key = 'sk-refused-abcdefghijklmnop';
    const server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    const port = await listen(server);
    try {
      const url = `http://127.0.0.1:${port}/v1`;
      const r = await aigen(['run', 'writer', 'x', '--model', 'gpt-4o-mini', '--max-retries', '0'], { sb, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: url } });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain(`the model server at ${url} refused the API key (HTTP 401); check OPENAI_API_KEY`);
      expect(r.stdout + r.stderr).not.toContain(key.slice(8));
    } finally {
      server.close();
    }
  }, 60_000);
});

describe('a model that needs a key, without one', () => {
  it('is refused before the run starts, naming the variable and the CLI flag for the offline model', async () => {
    const r = await aigen(['run', 'writer', 'x', '--model', 'gpt-4o-mini'], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(
      "aigen: model 'gpt-4o-mini' needs OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server); use the model 'offline' to run without a key (--model offline)",
    );
  });
});

describe('names that are almost right', () => {
  it('an unknown agent type in an agent list suggests the nearest one', async () => {
    const r = await aigen(['run', 'reserch,writer', 'x'], { sb });
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe("aigen: unknown agent type 'reserch' — did you mean 'research'?");
  });
});

describe('workflow files with several mistakes', () => {
  it('reports every mistake, unknown types next to unknown keys', async () => {
    const file = join(sb.dir, 'several.yaml');
    writeFileSync(file, 'name: bad\nkind: sequential\nagents:\n  - type: reserch\n  - type: writter\n  - type: editor\n    bogus: 1\n');
    const r = await aigen(['validate', file], { sb });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain("several.yaml:4:5: agents[0].type: unknown agent type 'reserch' — did you mean 'research'?");
    expect(lines[1]).toContain("several.yaml:5:5: agents[1].type: unknown agent type 'writter' — did you mean 'writer'?");
    expect(lines[2]).toContain("several.yaml:7:5: agents[2].bogus: unknown key 'bogus'");
  });

  it('lists at most 20 and counts the rest', async () => {
    const file = join(sb.dir, 'many.yaml');
    const agents = Array.from({ length: 25 }, (_, i) => `  - type: nosuch${i}\n`).join('');
    writeFileSync(file, `name: many\nkind: sequential\nagents:\n${agents}`);
    const r = await aigen(['validate', file], { sb });
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[19]).toContain("agents[19].type: unknown agent type 'nosuch19'");
    expect(lines[20]).toBe(`… and 5 more problems in ${file}`);
  });
});
