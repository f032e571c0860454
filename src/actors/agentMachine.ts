import type { AgentInputItem } from '@openai/agents';
import { assign, fromPromise, setup } from 'xstate';
import type { ErrorInfo } from '../events/common.js';
import { StepAttemptError, type StepOutcome } from './outcome.js';
import type { AigenAgent } from './agent.js';

/** What the workflow sends an agent actor: one task. */
export interface AgentTask {
  agent: AigenAgent;
  actorId: string;
  stepId: string;
  input: string | AgentInputItem[];
}

/** One attempt of a task, as the step runner sees it. */
export interface AgentAttempt extends AgentTask {
  attempt: number;
}

/** Runs one attempt through the SDK and records it; rejects with {@link StepAttemptError}. */
export type StepRunner = (attempt: AgentAttempt, signal: AbortSignal) => Promise<StepOutcome>;

/**
 * What an agent actor is started with: its task and the run's step runner (one agent machine
 * serves every run; what belongs to a run comes in through the input).
 */
export interface AgentActorInput extends AgentTask {
  runStep: StepRunner;
}

interface AgentContext extends AgentActorInput {
  attempt: number;
  retryInMs: number;
  result: StepOutcome | undefined;
  error: ErrorInfo | undefined;
}

function attemptError(error: unknown): StepAttemptError | undefined {
  return error instanceof StepAttemptError ? error : undefined;
}

/**
 * The agent actor: `working` runs an attempt of its task with the run's step runner; a failure
 * either goes to `retrying` (a delayed transition back to `working`, the delay recorded in
 * StepFailed) or to `failed`. Failures are states and output, never unhandled rejections. Built
 * once per process: every run's agent actors share it.
 */
export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    input: {} as AgentActorInput,
    output: {} as StepOutcome,
  },
  actors: {
    attempt: fromPromise<StepOutcome, { attempt: AgentAttempt; runStep: StepRunner }>(({ input, signal }) => input.runStep(input.attempt, signal)),
  },
  delays: {
    backoff: ({ context }) => context.retryInMs,
  },
  guards: {
    willRetry: ({ event }) => attemptError((event as { error?: unknown }).error)?.willRetry === true,
  },
}).createMachine({
  id: 'agent',
  initial: 'working',
  context: ({ input }) => ({ ...input, attempt: 1, retryInMs: 0, result: undefined, error: undefined }),
  states: {
    working: {
      invoke: {
        src: 'attempt',
        input: ({ context }) => ({
          attempt: {
            agent: context.agent,
            actorId: context.actorId,
            stepId: context.stepId,
            input: context.input,
            attempt: context.attempt,
          },
          runStep: context.runStep,
        }),
        onDone: { target: 'done', actions: assign({ result: ({ event }) => event.output }) },
        onError: [
          {
            guard: 'willRetry',
            target: 'retrying',
            actions: assign({ retryInMs: ({ event }) => attemptError(event.error)?.retryInMs ?? 0 }),
          },
          {
            target: 'failed',
            actions: assign({
              error: ({ event }) =>
                attemptError(event.error)?.info ?? { code: 'STEP_FAILED', message: String(event.error) },
            }),
          },
        ],
      },
    },
    retrying: {
      after: { backoff: { target: 'working', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
    },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) =>
    context.result ?? {
      ok: false,
      text: '',
      output: null,
      error: context.error ?? { code: 'STEP_FAILED', message: 'step failed' },
    },
});

/** The agent actor's machine type. */
export type AgentMachine = typeof agentMachine;
