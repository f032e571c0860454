import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  createAgent,
  finalStates,
  initialContext,
  invokeStep,
  outcomeOf,
  Workflow,
  WorkflowEngine,
  workflowOutput,
  workflowSetup,
  type AigenAgent,
  type BuildContext,
  type Step,
} from '../../../src/index.js';
import { createMemoryStore } from '../../../src/testing/index.js';
import { dataOf, runEvents } from '../../support/runs.js';

/**
 * A workflow kind written the way a user would, in one file, on the shared typed setup: the
 * primary agent answers; when it fails (after its retries), the backup agent answers instead.
 */
class FallbackWorkflow extends Workflow {
  readonly kind = 'fallback';
  constructor(
    name: string,
    private readonly primary: AigenAgent,
    private readonly backup: AigenAgent,
  ) {
    super(name);
  }

  steps(): Step[] {
    return [this.primary, this.backup];
  }

  build(ctx: BuildContext): AnyStateMachine {
    return workflowSetup.createMachine({
      id: this.name,
      initial: 'primary',
      context: ({ input }) => initialContext(input),
      states: {
        primary: {
          invoke: {
            ...invokeStep(ctx, this.primary, 'primary', (c) => c.input),
            onDone: [
              { guard: { type: 'stepFailed', params: ({ event }) => outcomeOf(event) }, target: 'backup' },
              { target: 'completed', actions: { type: 'keepResult', params: ({ event }) => ({ text: outcomeOf(event).text, key: 'primary' }) } },
            ],
          },
        },
        backup: {
          invoke: {
            ...invokeStep(ctx, this.backup, 'backup', (c) => c.input),
            onDone: [
              { guard: { type: 'stepFailed', params: ({ event }) => outcomeOf(event) }, target: 'failed' },
              { target: 'completed', actions: { type: 'keepResult', params: ({ event }) => ({ text: outcomeOf(event).text, key: 'backup' }) } },
            ],
          },
        },
        ...finalStates(),
      },
      output: ({ context }) => workflowOutput(context),
    });
  }
}

describe('a workflow kind written on the shared typed setup', () => {
  it('runs, records its transitions and falls back when the primary agent fails', async () => {
    const store = createMemoryStore();
    const engine = new WorkflowEngine({ store, maxRetries: 0, retryDelayMs: 1, env: { AIGEN_OFFLINE_FAIL: 'research:5' } });
    const workflow = new FallbackWorkflow('research_or_write', createAgent('research'), createAgent('writer'));
    const result = await engine.execute(workflow, undefined, 'Tides');
    expect(result.status).toBe('completed');
    const events = await runEvents(store, result.runId);
    const moves = dataOf<{ actorId: string; to: unknown }>(events, 'Transitioned').filter((t) => t.actorId === 'workflow').map((t) => t.to);
    expect(moves).toEqual(['primary', 'backup', 'completed']);
    expect(dataOf<{ agentId: string }>(events, 'StepFailed').map((s) => s.agentId)).toEqual(['research']);
    expect(dataOf<{ agentId: string; output: unknown }>(events, 'StepCompleted')).toEqual([expect.objectContaining({ agentId: 'writer' })]);
    expect(result.result).toBe(dataOf<{ output: unknown }>(events, 'StepCompleted')[0]!.output);
  });
});
