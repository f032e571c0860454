/**
 * Bytes stored per step: one 15-step run (research → writer → editor, five times) on a memory
 * store, its events read back and each attributed to the step whose TaskSent precedes it. Bytes
 * are the UTF-8 length of the event's data JSON plus its metadata JSON (the text the SQLite and
 * PostgreSQL adapters store beside fixed-size columns).
 */
import { Context, createAgent, DeterministicWorkflow, openStore } from '../../src/index.js';
import { aigenEngine, AGENTS, REQUEST } from './workload.js';

export interface BytesPerStep {
  steps: number;
  /** Mean bytes per step over every step after the first cycle (steps 4–15). */
  bytesPerStep: number;
  /** Events per step, same steps. */
  eventsPerStep: number;
  /** Bytes of each cycle of three steps (one per agent), in order. */
  bytesPerCycle: number[];
  /** Largest ÷ smallest cycle after the first: 1.00 when a step costs the same wherever it is in the run. */
  cycleSpread: number;
  /** Bytes outside any step: RunStarted and the first transitions, the last transitions and RunCompleted. */
  runBytes: number;
  byType: Record<string, { events: number; bytes: number }>;
}

const CYCLES = 5;

export async function measureBytesPerStep(): Promise<BytesPerStep> {
  const store = await openStore('memory:');
  try {
    const engine = aigenEngine(store);
    const agents = Array.from({ length: CYCLES * AGENTS.length }, (_, i) => createAgent(AGENTS[i % AGENTS.length]!));
    const workflow = new DeterministicWorkflow({ agents, name: 'content_generation_x4' });
    const r = await engine.execute(workflow, new Context(), REQUEST);
    if (r.status !== 'completed') throw new Error(`bytes-per-step run ended ${r.status}`);
    const events = [];
    for await (const e of store.readStream(`run-${r.runId}`)) events.push(e);
    const lastStepEnd = events.findLastIndex((e) => e.type === 'StepCompleted');
    const perStep: Array<{ bytes: number; events: number }> = [];
    const byType: BytesPerStep['byType'] = {};
    let runBytes = 0;
    events.forEach((e, i) => {
      const bytes = Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata));
      const t = (byType[e.type] ??= { events: 0, bytes: 0 });
      t.events += 1;
      t.bytes += bytes;
      if (e.type === 'TaskSent') perStep.push({ bytes: 0, events: 0 });
      const step = i > lastStepEnd ? undefined : perStep.at(-1);
      if (step) {
        step.bytes += bytes;
        step.events += 1;
      } else runBytes += bytes;
    });
    // The first cycle is smaller by nature: the first step's input is the bare request.
    const later = perStep.slice(AGENTS.length);
    const bytesPerCycle = Array.from({ length: CYCLES }, (_, c) =>
      perStep.slice(c * AGENTS.length, (c + 1) * AGENTS.length).reduce((sum, s) => sum + s.bytes, 0),
    );
    return {
      steps: perStep.length,
      bytesPerStep: later.reduce((sum, s) => sum + s.bytes, 0) / later.length,
      eventsPerStep: later.reduce((sum, s) => sum + s.events, 0) / later.length,
      bytesPerCycle,
      cycleSpread: Math.max(...bytesPerCycle.slice(1)) / Math.min(...bytesPerCycle.slice(1)),
      runBytes,
      byType,
    };
  } finally {
    await store.close();
  }
}
