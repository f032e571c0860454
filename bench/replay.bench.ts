// npm run bench:replay — replay time of recorded runs beside the time the same work took live,
// measured in the same process: one ~1,000-event run and 1,000 short runs, instant model.
import { createAgent, DeterministicWorkflow, WorkflowEngine, type EventStore } from '../src/index.js';
import { createMemoryStore, say, ScriptedModel } from '../src/testing/index.js';
import { QUICK } from './lib/env.js';
import { writeResults, machine } from './lib/results.js';
import { now, settle, summarize } from './lib/stats.js';
import { printTable, ratio, verdict } from './lib/table.js';

const instant = () => new ScriptedModel(() => say('An instant answer with a little text to carry along.'));

function longWorkflow(steps: number) {
  return new DeterministicWorkflow({ agents: Array.from({ length: steps }, (_, i) => createAgent('writer', { agentId: `w${i}` })), name: 'long' });
}

function shortWorkflow() {
  return new DeterministicWorkflow({ agents: [createAgent('research'), createAgent('writer'), createAgent('editor')], name: 'short' });
}

async function eventCount(store: EventStore, runId: string): Promise<number> {
  let n = 0;
  for await (const _ of store.readStream(`run-${runId}`)) n++;
  return n;
}

async function measureLong(rounds: number) {
  const live: number[] = [];
  const replay: number[] = [];
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, modelResolver: instant });
    await settle();
    let t = now();
    const run = await engine.execute(longWorkflow(100), undefined, 'A long run');
    live.push(now() - t);
    events = await eventCount(store, run.runId);
    await settle();
    t = now();
    const result = await engine.replay(run.runId, { workflow: longWorkflow(100) });
    replay.push(now() - t);
    if (!result.match) throw new Error(`long run did not replay: ${JSON.stringify(result.divergence)}`);
  }
  return { events, live: summarize(live), replay: summarize(replay) };
}

async function measureMany(count: number, rounds: number) {
  const live: number[] = [];
  const replay: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, modelResolver: instant });
    await settle();
    let t = now();
    const runs = await Promise.all(Array.from({ length: count }, (_, i) => engine.execute(shortWorkflow(), undefined, `Topic ${i}`)));
    live.push(now() - t);
    await settle();
    t = now();
    const results = await Promise.all(runs.map((run) => engine.replay(run.runId, { workflow: shortWorkflow() })));
    replay.push(now() - t);
    if (results.some((x) => !x.match)) throw new Error('a short run did not replay');
  }
  return { runs: count, live: summarize(live), replay: summarize(replay) };
}

const rounds = QUICK ? 1 : 3;
await measureLong(1); // warm-up
const long = await measureLong(rounds);
const many = await measureMany(QUICK ? 100 : 1000, rounds);
const longRatio = long.replay.median / long.live.median;
const manyRatio = many.replay.median / many.live.median;
printTable(
  'Replay vs live (median ms; target: replay ≤ 1× live)',
  ['workload', 'live ms', 'replay ms', 'replay/live', 'target'],
  [
    [`1 run, ${long.events} events`, long.live.median, long.replay.median, ratio(longRatio), verdict(longRatio <= 1)],
    [`${many.runs} runs × 3 agents`, many.live.median, many.replay.median, ratio(manyRatio), verdict(manyRatio <= 1)],
  ],
);
const file = writeResults('replay', { machine: machine(), long, many, ratios: { long: longRatio, many: manyRatio } });
console.log(`\nfigures written to ${file}`);
