import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { formatAgo, table } from '../format.js';

export function registerWorkers(program: Command, ctx: CliContext): void {
  program
    .command('workers')
    .description("list the store's live workers: id, host, pid, concurrency, runs held, last heartbeat, draining")
    .action(async () => {
      const { WorkersUnsupportedError } = await import('../../runtime/errors.js');
      const store = await ctx.openStore();
      if (!store.leases) throw new WorkersUnsupportedError(store.kind);
      const workers = await store.leases.workers();
      if (ctx.json) {
        ctx.output.json(workers.map((w) => ({ ...w, heartbeatAt: new Date(w.heartbeatAt).toISOString(), expiresAt: new Date(w.expiresAt).toISOString() })));
        return;
      }
      const { out, err } = ctx.output;
      if (workers.length === 0) {
        err.line('no live workers; start one with: aigen worker');
        return;
      }
      const s = out.style;
      const now = Date.now();
      const lines = table([
        ['WORKER', 'HOST', 'PID', 'RUNS', 'HEARTBEAT', 'STATE'].map((h) => s.dim(h)),
        ...workers.map((w) => [
          s.bold(w.id),
          w.host,
          String(w.pid),
          `${w.held}/${w.concurrency}`,
          formatAgo(new Date(w.heartbeatAt).toISOString(), now),
          w.draining ? s.yellow('draining') : s.green('working'),
        ]),
      ]);
      for (const line of lines) out.line(line);
    });
}
