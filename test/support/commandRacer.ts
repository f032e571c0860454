/**
 * One of the processes of the command race (test/integration/runtime/commandRace.test.ts): at the
 * same moment as the other, for every run it approves, cancels and claims it, all at once, and
 * prints one JSON line per command: what it did, or the code and message of its refusal.
 * Usage: node --import tsx commandRacer.ts <storeUrl> <name> <startAtMs> <runId>...
 */
import { cancelRun } from '../../src/app/cancel.js';
import { openStore, WorkflowEngine } from '../../src/index.js';

const [url = '', name = '', startAt = '0', ...runIds] = process.argv.slice(2);
const store = await openStore(url);
const engine = new WorkflowEngine({ store, model: 'offline', maxRetries: 0 });
const report = (runId: string, command: string, outcome: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ runId, command, ...outcome })}\n`);
const refused = (err: unknown) => {
  const e = err as { code?: unknown; message?: unknown };
  return { outcome: 'refused', code: typeof e.code === 'string' ? e.code : 'NO_CODE', message: String(e.message) };
};

await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
await Promise.all(
  runIds.flatMap((runId) => [
    engine.approve(runId, { by: name, continue: false }).then(
      (d) => report(runId, 'approve', { outcome: 'applied', id: d.id }),
      (err: unknown) => report(runId, 'approve', refused(err)),
    ),
    cancelRun(store, runId, `cancelled by ${name}`, { engine, requestedBy: name }).then(
      (c) => report(runId, 'cancel', { outcome: c.outcome }),
      (err: unknown) => report(runId, 'cancel', refused(err)),
    ),
    engine.executeClaimed(runId, { workerId: name, leaseMs: 60_000 }).then(
      async (c) => report(runId, 'claim', { outcome: c.kind, ...(c.kind === 'running' ? { status: (await c.handle.done).status } : {}) }),
      (err: unknown) => report(runId, 'claim', refused(err)),
    ),
  ]),
);
await store.close();
