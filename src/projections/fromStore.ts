import type { AigenEvent } from '../events/envelope.js';
import { CorruptEventError } from '../events/errors.js';
import { runIdOfStream } from '../events/streams.js';
import type { EventStore } from '../store/eventStore.js';
import { readRunEvents } from './at.js';
import { foldRunViews } from './fold.js';
import { applyUsage, initialUsage, usageRows, type UsageRow, type UsageState } from './usage.js';

/**
 * Usage rows computed from the store, without the usage view (for runners kept with
 * `detail: false`): of one run and its child runs, or of every run. Slow on big stores.
 * @example
 * ```ts
 * buildUsageView(await usageFromStore(store, runId));
 * ```
 */
export async function usageFromStore(store: EventStore, runId?: string): Promise<UsageRow[]> {
  if (runId !== undefined) {
    const rows: UsageRow[] = [];
    const queue = [runId];
    const seen = new Set<string>();
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (seen.has(id)) continue;
      seen.add(id);
      const views = foldRunViews(await readRunEvents(store, id)).views;
      if (!views?.usage) continue;
      rows.push(...usageRows(id, views.status.rootRunId, views.usage));
      queue.push(...views.status.childRuns.map((c) => c.childRunId));
    }
    return rows;
  }
  const runs = new Map<string, { rootRunId: string; usage: UsageState }>();
  let from = 'start';
  for (;;) {
    try {
      for await (const event of store.readAll({ from, filter: { types: ['RunStarted', 'TaskSent', 'ModelResponded'] } })) {
        from = event.globalPosition;
        const e = event as AigenEvent;
        const id = runIdOfStream(e.streamId);
        if (id === undefined) continue;
        if (e.type === 'RunStarted') {
          if (!runs.has(id) && e.data.runId === id) runs.set(id, { rootRunId: e.metadata.rootRunId ?? id, usage: initialUsage() });
          continue;
        }
        const run = runs.get(id);
        if (run) run.usage = applyUsage(run.usage, e);
      }
      return [...runs].flatMap(([id, r]) => usageRows(id, r.rootRunId, r.usage));
    } catch (err) {
      if (!(err instanceof CorruptEventError)) throw err;
      from = err.location.globalPosition;
    }
  }
}
