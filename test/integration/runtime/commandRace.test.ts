import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, WorkflowEngine } from '../../../src/index.js';
import { runEvents, typesOf } from '../../support/runs.js';
import { testStoreUrls } from '../../support/stores.js';

const urls = testStoreUrls('race');
const RACER = join(import.meta.dirname, '..', '..', 'support', 'commandRacer.ts');
const RUNS = 6;
const TERMINAL = new Set(['RunCompleted', 'RunFailed', 'RunCancelled']);

interface Report {
  runId: string;
  command: 'approve' | 'cancel' | 'claim';
  outcome: string;
  code?: string;
  message?: string;
  status?: string;
}

/** Run one racer process to its end; its JSON lines. */
function race(url: string, name: string, startAt: number, runIds: readonly string[]): Promise<Report[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RACER, url, name, String(startAt), ...runIds], {
      env: { ...process.env, AIGEN_OFFLINE_LATENCY_MS: '5' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    // A racer that hangs fails the test with what it printed (instead of the test's timeout).
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`racer ${name} exited ${String(code)}: ${err}\n${out}`));
      else resolve(out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Report));
    });
  });
}

describe.each(['sqlite', 'postgres'] as const)('two processes approving, cancelling and claiming the same runs at once (%s)', (kind) => {
  it('every command is applied once or refused with a clear error, and each run ends once with nothing after its end', async () => {
    const url = urls[kind]();
    const store = await openStore(url);
    const engine = new WorkflowEngine({ store, model: 'offline', maxRetries: 0 });
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await engine.execute(engine.catalog.createWorkflow('refund_desk'), undefined, `Please refund order #A10${i}, $40: it arrived broken`);
      expect(r.status).toBe('waiting');
      runIds.push(r.runId);
    }
    const startAt = Date.now() + 3000; // both processes loaded and connected by then
    const reports = (await Promise.all([race(url, 'p1', startAt, runIds), race(url, 'p2', startAt, runIds)])).flat();
    expect(reports).toHaveLength(RUNS * 2 * 3);

    for (const runId of runIds) {
      const events = await runEvents(store, runId);
      const types = typesOf(events);
      const mine = reports.filter((r) => r.runId === runId);
      const of = (command: Report['command']) => mine.filter((r) => r.command === command);
      const count = (type: string) => types.filter((t) => t === type).length;

      // Every refusal is a user error that says why, never a conflict or a crash.
      for (const r of mine.filter((m) => m.outcome === 'refused')) {
        expect(r.code, JSON.stringify(r)).toBe('NOT_WAITING');
        expect(r.message).toMatch(new RegExp(`run ${runId} (is not waiting|waits for)`));
      }
      // What each process reports applied is in the log exactly once per report.
      expect(count('ApprovalDecided')).toBe(of('approve').filter((r) => r.outcome === 'applied').length);
      expect(count('ApprovalDecided')).toBeLessThanOrEqual(1);
      expect(count('RunCancelled')).toBe(of('cancel').filter((r) => r.outcome === 'cancelled').length);
      expect(of('cancel').every((r) => r.outcome === 'cancelled' || r.outcome === 'ended')).toBe(true);
      expect(count('RunClaimed')).toBe(of('claim').filter((r) => r.outcome === 'running' || r.outcome === 'failed').length);
      expect(of('claim').every((r) => ['running', 'finished', 'busy'].includes(r.outcome))).toBe(true);
      // The run ended exactly once, and nothing was appended after its end.
      expect(types.filter((t) => TERMINAL.has(t))).toHaveLength(1);
      expect(TERMINAL.has(types.at(-1)!)).toBe(true);
      // Each approval of the run was decided at most once, and only before the end.
      const decided = events.filter((e) => e.type === 'ApprovalDecided').map((e) => (e.data as { approvalId: string }).approvalId);
      expect(new Set(decided).size).toBe(decided.length);
    }
    await store.close();
  });
});
