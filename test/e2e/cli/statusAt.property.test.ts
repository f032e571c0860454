import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/events/envelope.js';
import { foldRunState } from '../../../src/projections/runState.js';
import { statusAt } from '../../../src/projections/at.js';
import type { EventStore } from '../../../src/store/eventStore.js';
import { openStore } from '../../../src/store/openStore.js';
import { runEvents } from '../../support/runs.js';
import { aigen, json, sandbox, type Sandbox } from './helpers.js';

// The one run-state reducer against `status --at`: for recorded runs of all five patterns, the
// fold of every prefix equals the status at that position, from the library for every position
// and from the CLI (projection tables, another process) for a sample of positions.
const PATTERNS = ['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving'] as const;
const REPLAYS = join(import.meta.dirname, '..', '..', 'replays');

let sb: Sandbox;
let store: EventStore;
const runs = new Map<string, { runIds: string[]; events: Map<string, RecordedEvent[]> }>();

beforeAll(async () => {
  sb = sandbox();
  for (const pattern of PATTERNS) {
    const r = await aigen(['import', join(REPLAYS, `${pattern}.jsonl`), '--json'], { sb });
    expect(r.code, r.stderr).toBe(0);
    runs.set(pattern, { runIds: json<{ runIds: string[] }>(r).runIds, events: new Map() });
  }
  store = await openStore(sb.store);
  for (const run of runs.values()) {
    // Child runs (parallel branches) are imported with their root run.
    for await (const e of store.readAll({ filter: { types: ['RunStarted'] } })) {
      const id = (e.data as { runId: string }).runId;
      if (run.runIds.some((root) => id === root || id.startsWith(`${root}.`))) run.events.set(id, await runEvents(store, id));
    }
  }
}, 120_000);

afterAll(async () => {
  await store?.close();
  sb?.cleanup();
});

/** What the CLI prints for a status: JSON, so fields that are undefined are absent. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('the run-state reducer equals status --at', () => {
  it.each(PATTERNS)('%s: statusAt at every position of every run of its tree equals the fold of that prefix', async (pattern) => {
    const { events } = runs.get(pattern)!;
    expect(events.size).toBeGreaterThan(0);
    for (const [runId, log] of events) {
      for (const e of log) {
        const at = await statusAt(store, runId, e.streamPosition, { forks: false });
        expect(at, `${runId}@${e.streamPosition}`).toEqual(foldRunState(log.slice(0, e.streamPosition + 1)));
      }
    }
  });

  it('`aigen status --at P --json` equals the fold of the prefix, for sampled runs and positions', async () => {
    const trees = PATTERNS.flatMap((p) => [...runs.get(p)!.events.entries()]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...trees), fc.nat(), async ([runId, log], n) => {
        const position = n % log.length;
        const r = await aigen(['status', runId, '--at', String(position), '--json'], { sb });
        expect(r.code, r.stderr).toBe(0);
        const folded = foldRunState(log, position);
        expect(folded.lastPosition).toBe(position);
        // The CLI adds the priced cost to the fold (run, and each step); the rest is the fold itself.
        // It names the final content `result` (as `run --json` does), the fold `output`.
        const { cost, costUsd, steps, result, ...rest } = json<Record<string, unknown> & { cost: { usage: unknown }; costUsd: unknown; steps: Array<Record<string, unknown>> }>(r);
        const { steps: foldedSteps, output, ...foldedRest } = asJson(folded) as { steps: unknown[]; output?: unknown };
        expect(rest).toEqual(foldedRest);
        expect(result).toEqual(output);
        expect(steps.map(({ costUsd: _c, ...step }) => step)).toEqual(foldedSteps);
        // Cost counts answered model calls up to the position (steps count when they complete).
        expect(cost.usage).toMatchObject({ requests: expect.any(Number) as number });
        expect(costUsd).not.toBeUndefined();
      }),
      { numRuns: 8 },
    );
  }, 240_000);
});
