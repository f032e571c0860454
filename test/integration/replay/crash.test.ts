import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkflow, openStore, WorkflowEngine, type RecordedEvent } from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { runEvents } from '../../support/runs.js';

const worker = join(import.meta.dirname, 'fixtures', 'crashWorker.ts');
const dir = mkdtempSync(join(tmpdir(), 'aigen-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic pseudo-random kill delays (mulberry32). */
function delays(seed: number, n: number, min: number, max: number): number[] {
  let a = seed;
  return Array.from({ length: n }, () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return min + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (max - min));
  });
}

/** Run the worker and SIGKILL it `killAfterMs` after its first run started. */
function runAndKill(url: string, seed: number, killAfterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, url, String(seed)], {
      env: { ...process.env, AIGEN_OFFLINE_LATENCY_MS: '15' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', () => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('error', reject);
    child.on('exit', () => {
      if (timer) clearTimeout(timer);
      resolve();
    });
  });
}

const TERMINAL = new Set(['RunCompleted', 'RunFailed', 'RunCancelled']);
const reference = new Map<string, unknown>();

async function uninterrupted(workflow: string, input: string): Promise<unknown> {
  const key = `${workflow}|${input}`;
  if (!reference.has(key)) {
    const r = await new WorkflowEngine({ store: createMemoryStore(), retryDelayMs: 5 }).execute(createWorkflow(workflow), undefined, input);
    reference.set(key, r.result);
  }
  return reference.get(key);
}

describe('crash and resume', () => {
  it('resumes every run killed at 20 seeded random moments; no step completes twice, nothing written is lost', async () => {
    const moments = delays(Number(process.env.AIGEN_CRASH_SEED ?? 42), 20, 30, 700);
    let resumedRuns = 0;
    for (const [i, killAfter] of moments.entries()) {
      const url = `sqlite:${join(dir, `crash-${i}.db`)}`;
      await runAndKill(url, i, killAfter);
      const store = await openStore(url);
      try {
        const roots: Array<{ runId: string; workflow: string; input: string; events: RecordedEvent[] }> = [];
        for await (const e of store.readAll({ filter: { types: ['RunStarted'] } })) {
          const d = e.data as { runId: string; parentRunId?: string; input: string; workflow: { name: string } };
          if (!d.parentRunId) roots.push({ runId: d.runId, workflow: d.workflow.name, input: d.input, events: await runEvents(store, d.runId) });
        }
        const engine = new WorkflowEngine({ store, retryDelayMs: 5 });
        for (const run of roots) {
          const finished = run.events.some((e) => TERMINAL.has(e.type));
          const result = finished ? undefined : await engine.resume(run.runId);
          if (result) {
            resumedRuns++;
            expect(result.status, `moment ${i} ${run.workflow}: ${JSON.stringify(result.error)}`).toBe("completed");
          }
          const after = await runEvents(store, run.runId);
          expect(after.slice(0, run.events.length), `moment ${i}: events before the kill are intact`).toEqual(run.events);
          const terminal = after.filter((e) => TERMINAL.has(e.type));
          expect(terminal).toHaveLength(1);
          expect((terminal[0]!.data as { output: unknown }).output).toEqual(await uninterrupted(run.workflow, run.input));
        }
        // Every StepCompleted of every stream (children included) appears exactly once.
        const seen = new Set<string>();
        for await (const e of store.readAll({ filter: { types: ['StepCompleted'] } })) {
          const key = `${e.streamId}/${(e.data as { stepId: string }).stepId}`;
          expect(seen.has(key), `duplicate StepCompleted ${key}`).toBe(false);
          seen.add(key);
        }
      } finally {
        await store.close();
      }
    }
    expect(resumedRuns).toBeGreaterThan(0);
  }, 600_000);
});
