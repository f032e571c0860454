import type { RecordedEvent } from '../events/envelope.js';
import { completedOutputs, foldRunState } from '../projections/runState.js';

/**
 * The shared context of a workflow execution: outputs per agent, artifacts and metadata.
 * The engine stores each completed step's output in it; {@link Context.fromEvents} rebuilds it
 * from a run's recorded events.
 * @example
 * ```ts
 * const context = new Context();
 * await engine.execute(workflow, context, 'Generate content about AI');
 * context.getOutput('writer');
 * ```
 */
export class Context {
  private readonly outputs = new Map<string, string[]>();
  private latest: string | undefined;
  readonly artifacts = new Map<string, unknown>();
  readonly metadata: Record<string, unknown> = {};

  /** Remember an agent's output (latest last). */
  storeOutput(agentId: string, output: string): void {
    const list = this.outputs.get(agentId) ?? [];
    list.push(output);
    this.outputs.set(agentId, list);
    this.latest = output;
  }

  /** The latest output of one agent. */
  getOutput(agentId: string): string | undefined {
    const list = this.outputs.get(agentId);
    return list?.[list.length - 1];
  }

  /** Every output of one agent, oldest first. */
  getOutputs(agentId: string): readonly string[] {
    return this.outputs.get(agentId) ?? [];
  }

  /** The most recent output of any agent. */
  getLatestOutput(): string | undefined {
    return this.latest;
  }

  /** Agent ids that produced output, in first-output order. */
  agentIds(): string[] {
    return [...this.outputs.keys()];
  }

  /** Rebuild a context from a run's events: the run state's completed steps, in completion order. */
  static fromEvents(events: Iterable<RecordedEvent>): Context {
    const context = new Context();
    for (const { agentId, text } of completedOutputs(foldRunState(events))) context.storeOutput(agentId, text);
    return context;
  }
}
