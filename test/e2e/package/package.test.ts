import { execFile, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * aigen as another project gets it: `npm pack` in a copy of the repository (which builds its dist/
 * through `prepare`), then `npm install <tarball>` in an empty folder outside the repository, with
 * the project file of the README. One pack and one install, shared by every case. The copy has the
 * checkout's files but its own dist/: the build never rewrites the dist/ that the aigen processes
 * of test files running alongside this one load.
 */

const REPO = resolve(import.meta.dirname, '../../..');
/** Top-level entries of the checkout that are not its sources: installed, built or recorded by runs. */
const NOT_COPIED = new Set(['node_modules', '.git', 'dist', 'test-artifacts', '.aigen']);
const run = promisify(execFile);
const MINUTES = 60_000;

let root: string;
let shop: string;
let bin: string;

const CONFIG = `import { defineConfig, createAgent, DeterministicWorkflow } from 'aigen';
import { tool } from '@openai/agents';
import { z } from 'zod';
const lookupPrice = tool({ name: 'lookup_price', description: 'Price of a product', parameters: z.object({ product: z.string() }), execute: async ({ product }) => \`\${product}: 42 EUR\` });
export default defineConfig({
  tools: [lookupPrice],
  agents: { pricer: { instructions: 'Look up prices with lookup_price, then answer.', tools: ['lookup_price'] } },
  workflows: { priced_article: () => new DeterministicWorkflow({ name: 'priced_article', agents: [createAgent('pricer'), createAgent('writer')] }) },
  prices: { 'my-model': { inputPerMillion: 0.5, outputPerMillion: 1.5 } },
});
`;

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AIGEN_') || key.startsWith('npm_') || key === 'OPENAI_API_KEY') delete env[key];
  return env;
}

/** `aigen …` in the shop folder, as the installed bin; never throws (the exit code is in the result). */
async function aigen(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: shop, env: cleanEnv(), maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The README's library snippet: the first ts block of "## The library". */
function readmeSnippet(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The library'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error('README has no library snippet');
  return m[1]!;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'aigen-package-'));
  const checkout = join(root, 'checkout');
  cpSync(REPO, checkout, { recursive: true, filter: (from) => !NOT_COPIED.has(from.slice(REPO.length + 1).split('/')[0]!) });
  symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', root], { cwd: checkout, env: cleanEnv(), maxBuffer: 32 * 1024 * 1024 });
  const { filename } = (JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>)[0]!;
  shop = join(root, 'shop');
  mkdirSync(shop);
  writeFileSync(join(shop, 'package.json'), JSON.stringify({ name: 'shop', private: true }));
  // Install scripts are skipped: the only one that matters, better-sqlite3's native build, takes
  // minutes from source; the repository's own build of the same version is copied in instead.
  await run('npm', ['install', join(root, filename), '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: shop, env: cleanEnv(), maxBuffer: 32 * 1024 * 1024 });
  const sqliteHere = join(shop, 'node_modules/better-sqlite3');
  const repoSqlite = dirname(createRequire(join(REPO, 'package.json')).resolve('better-sqlite3/package.json'));
  const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  if (version(sqliteHere) === version(repoSqlite)) {
    mkdirSync(join(sqliteHere, 'build/Release'), { recursive: true });
    copyFileSync(join(repoSqlite, 'build/Release/better_sqlite3.node'), join(sqliteHere, 'build/Release/better_sqlite3.node'));
  } else {
    await run('npm', ['rebuild', 'better-sqlite3'], { cwd: shop, env: cleanEnv() });
  }
  bin = join(shop, 'node_modules/aigen/bin/aigen.js');
  writeFileSync(join(shop, 'aigen.config.ts'), CONFIG);
  writeFileSync(join(shop, 'syntax.config.ts'), "import { defineConfig } from 'aigen';\nexport default defineConfig({ model: 'offline', });\nconst broken = {;\n");
  writeFileSync(join(shop, 'throws.config.ts'), "import { defineConfig } from 'aigen';\n\nthrow new Error('OPENAI_API_KEY is not set');\nexport default defineConfig({});\n");
}, 20 * MINUTES);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
}, 5 * MINUTES);

describe('aigen installed from npm pack into another project', { timeout: 5 * MINUTES }, () => {
  it('ships compiled JavaScript and no sources: the bin runs dist/', () => {
    const pkg = join(shop, 'node_modules/aigen');
    expect(existsSync(join(pkg, 'dist/cli/main.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist/index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(join(pkg, 'test'))).toBe(false);
  });

  it('lists the workflow of the project file', async () => {
    const r = await aigen('workflows', '--json');
    expect(r.code).toBe(0);
    const names = (JSON.parse(r.stdout) as Array<{ name: string }>).map((w) => w.name);
    expect(names).toContain('priced_article');
    expect(names).toContain('content_generation');
  });

  it('runs it: the tool is called and its output recorded; replay --verify matches; fork --at 3 runs', async () => {
    const r = await aigen('run', 'priced_article', 'Kindle', '--json');
    expect(r.stderr).toBe('');
    const result = JSON.parse(r.stdout) as { runId: string; status: string; result: string };
    expect(result.status).toBe('completed');
    expect(r.code).toBe(0);

    const events = (await aigen('events', result.runId, '--json')).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; data: { tool?: string; output?: unknown } });
    expect(events.filter((e) => e.type === 'ToolCalled').map((e) => e.data.tool)).toEqual(['lookup_price']);
    expect(events.filter((e) => e.type === 'ToolReturned').map((e) => e.data.output)).toEqual(['Kindle: 42 EUR']);

    const replay = await aigen('replay', result.runId, '--verify', '--json');
    expect(JSON.parse(replay.stdout)).toMatchObject({ match: true });
    expect(replay.code).toBe(0);

    const fork = await aigen('fork', result.runId, '--at', '3', '--json');
    expect(JSON.parse(fork.stdout)).toMatchObject({ status: 'completed', forkOf: { runId: result.runId, position: 3 } });
    expect(fork.code).toBe(0);
  });

  it('serves it: GET /api/workflows offers it and POST /api/runs runs it', async () => {
    const server = spawn(process.execPath, [bin, 'serve', '--port', '0', '--json'], { cwd: shop, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = '';
        server.stdout.setEncoding('utf8').on('data', (d: string) => {
          out += d;
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line) resolveUrl((JSON.parse(line) as { url: string }).url);
        });
        server.once('exit', (code) => reject(new Error(`aigen serve exited with ${code}`)));
      });
      const list = (await (await fetch(`${url}/api/workflows`)).json()) as { workflows: Array<{ name: string }> };
      expect(list.workflows.map((w) => w.name)).toContain('priced_article');

      const started = await fetch(`${url}/api/runs`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ workflow: 'priced_article', input: 'Kindle' }),
      });
      expect(started.status).toBe(202);
      const { runId } = (await started.json()) as { runId: string };
      let status = '';
      for (let i = 0; i < 600 && !['completed', 'failed', 'cancelled', 'partial'].includes(status); i++) {
        if (i > 0) await new Promise((r) => setTimeout(r, 100));
        const res = await fetch(`${url}/api/runs/${runId}`);
        if (res.ok) status = ((await res.json()) as { status: string }).status;
      }
      expect(status).toBe('completed');
    } finally {
      server.kill('SIGTERM');
    }
  });

  it("runs the README's library snippet as written, and imports aigen/testing", async () => {
    writeFileSync(join(shop, 'snippet.mjs'), readmeSnippet());
    const { stdout } = await run(process.execPath, ['snippet.mjs'], { cwd: shop, env: cleanEnv() });
    expect(stdout).toMatch(/^completed /);
    const testing = await run(process.execPath, ['--input-type=module', '-e', "const t = await import('aigen/testing'); console.log(typeof t.createMemoryStore, typeof t.SimulatedClock);"], {
      cwd: shop,
      env: cleanEnv(),
    });
    expect(testing.stdout.trim()).toBe('function function');
  });

  it.each([
    ['syntax.config.ts', 'syntax.config.ts:3:17: syntax error'],
    ['throws.config.ts', 'throws.config.ts:3:7: threw while loading: OPENAI_API_KEY is not set'],
  ])('a project file %s that cannot load: exit 2 naming the file and line, no stack trace', async (file, message) => {
    const r = await aigen('--config', file, 'workflows');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
