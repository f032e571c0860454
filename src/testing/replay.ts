import { readFileSync } from 'node:fs';
import type { Workflow } from '../machines/workflow.js';
import { WorkflowEngine } from '../runtime/engine.js';
import { parseRunFile, importRuns } from '../runtime/replay/runFiles.js';
import type { ReplayResult } from '../runtime/replay/engineSupport.js';
import { createMemoryStore } from '../store/memory/index.js';

/**
 * Turn a recorded run (an `aigen export` file) into a regression test of workflow code: the run
 * is imported into a memory store and replayed against `workflow` with verify; a divergence
 * throws an error with the position and a readable diff.
 * @example
 * ```ts
 * it('content_generation still behaves as recorded', () => expectReplayMatches('test/replays/content.jsonl', createWorkflow('content_generation')));
 * ```
 */
export async function expectReplayMatches(file: string, workflow: Workflow): Promise<ReplayResult> {
  const store = createMemoryStore();
  const [runId] = await importRuns(store, parseRunFile(readFileSync(file, 'utf8'), file));
  if (!runId) throw new Error(`${file} holds no root run`);
  const result = await new WorkflowEngine({ store }).replay(runId, { workflow });
  if (!result.match) {
    const d = result.divergence!;
    throw new Error(
      `${file}: replay of ${workflow.name} diverged at position ${d.position} (recorded ${d.recorded?.type ?? 'nothing'}, produced ${d.produced?.type ?? 'nothing'}):\n  ${d.diff.join('\n  ')}`,
    );
  }
  return result;
}
