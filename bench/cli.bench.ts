/**
 * CLI start benchmark (`npm run bench:cli`): wall time of `aigen runs` (a SQLite store holding a
 * few runs) and of a whole offline `aigen run content_generation …` beside `node -e 0`, each a
 * fresh process, rounds alternating the commands. The command is `node bin/aigen.js`, which runs
 * the compiled dist/ while it is current (the bench builds it first when it is not: what an
 * installed package runs). The README's form (`node bin/aigen.js runs` in the checkout) is timed
 * beside `npx aigen runs` there, and the first `npx aigen` with an empty npx cache beside the
 * second. `aigen runs` on a store of 10,000 cloned runs is timed beside the same on 10 runs (a
 * page comes from the views, so it should cost the same). Also lists the packages each command
 * imports (through a module hook, in a separate process), so a command that loads
 * `@openai/agents`, elkjs, Hono or OpenTelemetry without needing them shows up.
 * Not a test. Figures: bench/results/cli.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUICK, cleanup, tempDir } from './lib/env.js';
import { fill, templateRun } from './lib/cloneRuns.js';
import { writeResults } from './lib/results.js';
import { median, now } from './lib/stats.js';
import { atMost, type SummaryRow } from './lib/summary.js';
import { fmt, note, printTable, ratio, verdict } from './lib/table.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'aigen.js');
const ROUNDS = QUICK ? 3 : 15;
const TARGETS = { runs: 6, run: 12, manyRuns: 1.2 } as const;
/** Packages a command that does not serve, draw or export traces must not load. */
const HEAVY = ['@openai/agents', 'elkjs', 'hono', '@hono/node-server', '@opentelemetry/'];

/** Whether every src/**\/*.ts has a compiled dist/**\/*.js at least as new (bin/aigen.js's rule). */
function distIsCurrent(rel = ''): boolean {
  const src = join(ROOT, 'src', rel);
  for (const entry of readdirSync(src, { withFileTypes: true })) {
    const path = join(rel, entry.name);
    if (entry.isDirectory()) {
      if (!distIsCurrent(path)) return false;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const out = statSync(join(ROOT, 'dist', `${path.slice(0, -3)}.js`), { throwIfNoEntry: false });
      if (!out || out.mtimeMs < statSync(join(ROOT, 'src', path)).mtimeMs) return false;
    }
  }
  return true;
}

interface Command {
  name: string;
  argv: string[];
  target?: number;
  /** The environment (default: the store with a few runs). */
  env?: NodeJS.ProcessEnv;
  /** The program (default: node). */
  file?: string;
  cwd?: string;
}

function timed(argv: string[], env: NodeJS.ProcessEnv, cwd: string, file = process.execPath): number {
  const t0 = now();
  const r = spawnSync(file, argv, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${String(r.status)}: ${r.stderr.toString()}`);
  return ms;
}

/** Module hooks writing the name of each package on its first (ESM) import to AIGEN_BENCH_IMPORTS. */
const HOOKS = `import { appendFileSync } from 'node:fs';
const seen = new Set();
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const match = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(resolved.url);
  if (match && !seen.has(match[1])) { seen.add(match[1]); appendFileSync(process.env.AIGEN_BENCH_IMPORTS, match[1] + '\\n'); }
  return resolved;
}`;
const dataUrl = (source: string) => `data:text/javascript,${encodeURIComponent(source)}`;
const REGISTER = dataUrl(`import { register } from 'node:module'; register(${JSON.stringify(dataUrl(HOOKS))});`);

/** The packages `argv` imports (ESM, first import of each), in order. */
function importsOf(argv: string[], env: NodeJS.ProcessEnv, cwd: string, dir: string, name: string): string[] {
  const file = join(dir, `imports-${name.replace(/\W+/g, '-')}.txt`);
  spawnSync(process.execPath, ['--import', REGISTER, ...argv], { env: { ...env, AIGEN_BENCH_IMPORTS: file }, cwd, stdio: 'ignore' });
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

async function main(): Promise<void> {
  let built = false;
  if (!existsSync(join(ROOT, 'src')) || !distIsCurrent()) {
    note('dist/ is older than src/: npm run build');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    built = true;
  }
  const dir = tempDir('cli');
  const env: NodeJS.ProcessEnv = { ...process.env, AIGEN_STORE: `sqlite:${join(dir, 'aigen.db')}`, AIGEN_MODEL: 'offline', NO_COLOR: '1' };
  for (const key of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'AIGEN_CONFIG', 'AIGEN_LOG_LEVEL']) delete env[key];
  const request = 'Write a short article about how tides work.';
  // A store with a few runs, as `aigen runs` usually finds it.
  for (let i = 0; i < 3; i++) timed([BIN, 'run', 'content_generation', `${request} #${i}`], env, dir);

  // Two stores of cloned offline runs: `aigen runs` reads a page from the views, so a store a
  // thousand times larger costs about the same (its first call builds the views: the warm-up).
  const template = await templateRun();
  const stores = { small: 10, large: QUICK ? 1000 : 10_000 };
  const storeEnv = (n: number): NodeJS.ProcessEnv => {
    const path = join(dir, `runs-${n}.db`);
    fill(path, template, n * template.length);
    return { ...env, AIGEN_STORE: `sqlite:${path}` };
  };
  const smallEnv = storeEnv(stores.small);
  const largeEnv = storeEnv(stores.large);

  const commands: Command[] = [
    { name: 'node -e 0', argv: ['-e', '0'] },
    { name: 'aigen runs', argv: [BIN, 'runs'], target: TARGETS.runs },
    // The README's form, in the checkout, beside what npx makes of the same command there.
    { name: 'node bin/aigen.js runs (README, in the checkout)', argv: ['bin/aigen.js', 'runs'], cwd: ROOT, target: TARGETS.runs },
    { name: 'npx aigen runs (in the checkout)', argv: ['aigen', 'runs'], file: 'npx', cwd: ROOT },
    { name: 'aigen run content_generation (offline, whole run)', argv: [BIN, 'run', 'content_generation', request], target: TARGETS.run },
    { name: `aigen runs (${stores.small} runs)`, argv: [BIN, 'runs'], env: smallEnv },
    { name: `aigen runs (${stores.large.toLocaleString('en')} runs)`, argv: [BIN, 'runs'], env: largeEnv },
  ];
  const samples = new Map<string, number[]>(commands.map((c) => [c.name, []]));
  // The first npx call with an empty npx cache (npm installs the checkout there), then the second.
  const npxEnv = { ...env, npm_config_cache: join(dir, 'npm-cache') };
  const npxFirst = timed(['aigen', 'runs'], npxEnv, ROOT, 'npx');
  const npxSecond = timed(['aigen', 'runs'], npxEnv, ROOT, 'npx');
  for (const c of commands) timed(c.argv, c.env ?? env, c.cwd ?? dir, c.file); // warm the file cache
  for (let round = 0; round < ROUNDS; round++) {
    note(`round ${round + 1}/${ROUNDS}`);
    for (const c of round % 2 === 0 ? commands : [...commands].reverse()) samples.get(c.name)!.push(timed(c.argv, c.env ?? env, c.cwd ?? dir, c.file));
  }
  const floor = samples.get('node -e 0')!;
  const rows = commands.map((c) => {
    const s = samples.get(c.name)!;
    const paired = median(s.map((x, i) => x / floor[i]!));
    const imports = c.name === 'node -e 0' || c.file ? [] : importsOf(c.argv, c.env ?? env, c.cwd ?? dir, dir, c.name);
    const heavy = imports.filter((p) => HEAVY.some((h) => p === h || (h.endsWith('/') && p.startsWith(h))));
    return { name: c.name, medianMs: median(s), minMs: Math.min(...s), maxMs: Math.max(...s), ratio: paired, target: c.target, imports, heavy };
  });
  printTable(
    `CLI start: wall ms per process (median, min, max of ${ROUNDS} alternating rounds; ratio: median of per-round ratios to node -e 0)`,
    ['command', 'ms', 'min', 'max', '× node -e 0', 'target', 'verdict', 'packages imported'],
    rows.map((r) => [
      r.name, r.medianMs, r.minMs, r.maxMs, ratio(r.ratio), r.target ? `≤ ${r.target}×` : '–',
      verdict(r.target === undefined ? undefined : r.ratio <= r.target), r.imports.join(', '),
    ]),
  );
  const runs = rows.find((r) => r.name === 'aigen runs')!;
  const run = rows.find((r) => r.name.startsWith('aigen run '))!;
  const readme = rows.find((r) => r.name.startsWith('node bin/aigen.js runs'))!;
  const npx = rows.find((r) => r.name.startsWith('npx aigen runs'))!;
  const small = rows.find((r) => r.name === `aigen runs (${stores.small} runs)`)!;
  const large = rows.find((r) => r.name.startsWith(`aigen runs (${stores.large.toLocaleString('en')}`))!;
  note(`first npx aigen runs (empty npx cache) ${fmt(npxFirst, 0)} ms, second ${fmt(npxSecond, 0)} ms`);
  const summary: SummaryRow[] = [
    {
      measure: '`aigen runs` vs `node -e 0`',
      figure: `${ratio(runs.ratio)} (${fmt(runs.medianMs, 0)} vs ${fmt(median(floor), 0)} ms)${runs.heavy.length > 0 ? `; loads ${runs.heavy.join(', ')}` : ''}`,
      target: `≤ ${TARGETS.runs}×, none of @openai/agents, elkjs, hono, otel`,
      met: runs.heavy.length === 0 ? atMost(runs.ratio, TARGETS.runs) : false,
    },
    {
      measure: 'a whole offline `aigen run` vs `node -e 0`',
      figure: `${ratio(run.ratio)} (${fmt(run.medianMs, 0)} vs ${fmt(median(floor), 0)} ms)`,
      target: `≤ ${TARGETS.run}×`,
      met: atMost(run.ratio, TARGETS.run),
    },
    {
      measure: "the README's `node bin/aigen.js runs` in the checkout vs `npx aigen runs` there",
      figure: `${fmt(readme.medianMs, 0)} vs ${fmt(npx.medianMs, 0)} ms (${ratio(readme.ratio)} vs ${ratio(npx.ratio)} node -e 0)`,
      target: `≤ ${TARGETS.runs}× node -e 0`,
      met: atMost(readme.ratio, TARGETS.runs),
    },
    {
      measure: 'the first `npx aigen runs` in the checkout (empty npx cache) vs the second',
      figure: `${ratio(npxFirst / npxSecond)} (${fmt(npxFirst, 0)} vs ${fmt(npxSecond, 0)} ms)`,
      target: '≤ 2×: no build on first use',
      met: atMost(npxFirst / npxSecond, 2),
    },
    {
      measure: `\`aigen runs\` on ${stores.large.toLocaleString('en')} runs vs on ${stores.small} runs (views current)`,
      figure: `${ratio(large.medianMs / small.medianMs)} (${fmt(large.medianMs, 0)} vs ${fmt(small.medianMs, 0)} ms)`,
      target: `≤ ${TARGETS.manyRuns}×`,
      met: atMost(large.medianMs / small.medianMs, TARGETS.manyRuns),
    },
  ];
  const path = writeResults(QUICK ? 'cli-partial' : 'cli', { quick: QUICK, rounds: ROUNDS, builtDist: built, npx: { firstMs: npxFirst, secondMs: npxSecond }, commands: rows, samples: Object.fromEntries(samples), summary });
  console.log(`\nResults: ${path}`);
}

try {
  await main();
} finally {
  await cleanup();
}
