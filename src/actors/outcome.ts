import type { AgentInputItem } from '@openai/agents';
import type { ErrorInfo, Usage } from '../events/common.js';

/** What an agent actor or a nested workflow reports to its parent when it ends. */
export interface StepOutcome {
  ok: boolean;
  /** The step that produced it (agent steps). */
  stepId?: string;
  /** Output as text (structured outputs are JSON-encoded). */
  text: string;
  /** Output as produced (text or structured). */
  output: unknown;
  usage?: Usage;
  /** Set when the agent handed the conversation over. */
  handoffTo?: string;
  /** The conversation so far, for handoffs. */
  history?: AgentInputItem[];
  /** A nested workflow that completed with partial content. */
  partial?: boolean;
  error?: ErrorInfo;
}

/** A failed agent step attempt, carrying the retry decision that StepFailed recorded. */
export class StepAttemptError extends Error {
  constructor(
    readonly info: ErrorInfo,
    readonly willRetry: boolean,
    readonly retryInMs: number,
  ) {
    super(info.message);
    this.name = 'StepAttemptError';
  }
}
