import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { openStore } from '../../../src/store/openStore.js';

/** The real binary, as a user runs it. */
export const BIN = resolve(import.meta.dirname, '../../../bin/aigen.js');
export const REPO = resolve(import.meta.dirname, '../../..');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A temporary working directory with its own sqlite store. */
export interface Sandbox {
  dir: string;
  store: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/**
 * A working directory inside the repository (so a project file's imports, zod and
 * @openai/agents, resolve) with its own SQLite store, a project file written by `config` from
 * the store's URL, and no AIGEN_* or OpenAI variables of the caller.
 */
export function projectSandbox(prefix: string, config: (store: string) => string): Sandbox {
  const root = join(REPO, 'test-artifacts');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, `${prefix}-`));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('AIGEN_') || key.startsWith('OPENAI_')) delete env[key];
  const store = `sqlite:${join(dir, 'aigen.db')}`;
  writeFileSync(join(dir, 'aigen.config.ts'), config(store));
  return { dir, store, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'aigen-cli-'));
  const store = `sqlite:${join(dir, 'aigen.db')}`;
  const env: NodeJS.ProcessEnv = { ...process.env, AIGEN_STORE: store };
  for (const key of ['OPENAI_API_KEY', 'AIGEN_MODEL', 'AIGEN_LOG_LEVEL', 'AIGEN_OFFLINE_FAIL', 'AIGEN_OFFLINE_LATENCY_MS', 'FORCE_COLOR', 'NO_COLOR']) {
    delete env[key];
  }
  return { dir, store, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface SpawnOptions {
  sb: Sandbox;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed; stdin is closed empty when undefined. */
  input?: string;
}

/** Start `aigen …` in a child process (stdin closed unless `input`). */
export function start(args: readonly string[], opts: SpawnOptions): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.sb.dir,
    env: { ...opts.sb.env, ...opts.env },
    stdio: 'pipe',
  });
  child.stdin.end(opts.input ?? '');
  return child;
}

/** Collect a child's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

/** Run `aigen …` to its end. */
export function aigen(args: readonly string[], opts: SpawnOptions): Promise<Result> {
  return finished(start(args, opts));
}

/** Parse stdout as one JSON document. */
export function json<T>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

/** Parse stdout as JSON lines. */
export function jsonLines<T = RecordedEvent>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Non-empty lines of a text. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** Resolves with the first line of a stream that matches, with the time it arrived. */
export function waitForLine(stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs}ms; got:\n${buffer}`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      const m = pattern.exec(buffer);
      if (m) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolvePromise(m);
      }
    };
    stream.on('data', onData);
  });
}

/** Timestamped JSON lines of a child's stdout, collected as they arrive. */
export function collectJsonLines(child: ChildProcessWithoutNullStreams): Array<{ at: number; value: RecordedEvent }> {
  const out: Array<{ at: number; value: RecordedEvent }> = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    partial += d;
    let nl: number;
    while ((nl = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, nl);
      partial = partial.slice(nl + 1);
      if (line.trim()) out.push({ at: Date.now(), value: JSON.parse(line) as RecordedEvent });
    }
  });
  return out;
}

/** Expect exactly one line on stderr, with no stack trace. */
export function oneLineError(r: Result): string {
  const text = r.stderr.trim();
  if (text.includes('\n') || /\n\s+at /.test(r.stderr)) throw new Error(`expected one line on stderr, got:\n${r.stderr}`);
  return text;
}

/** Poll a store (from this process) until a run whose input starts with `input` has started; its runId. */
export async function runStartedWith(storeUrl: string, input: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const store = await openStore(storeUrl);
    try {
      for await (const e of store.readAll({ filter: { types: ['RunStarted'] } })) {
        const data = e.data as { runId: string; input: string };
        if (data.input.startsWith(input)) return data.runId;
      }
    } finally {
      await store.close();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no run with input '${input}' started within ${timeoutMs}ms`);
}

/** Every event of a run, read from the sandbox's store by this process. */
export async function storedEvents(sb: Sandbox, runId: string): Promise<RecordedEvent[]> {
  const store = await openStore(sb.store);
  try {
    const out: RecordedEvent[] = [];
    for await (const e of store.readStream(`run-${runId}`)) out.push(e);
    return out;
  } finally {
    await store.close();
  }
}
