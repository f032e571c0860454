import { fromPromise, type AnyActorLogic } from 'xstate';
import type { StepOutcome } from '../actors/outcome.js';
import { AigenError, ValidationError } from '../errors.js';
import { parseDuration } from './duration.js';
import type { Waits } from '../journal/waits.js';
import { ApprovalRejectedError } from './errors.js';
import { compilePayloadSchema, type JsonSchema } from './payloadSchema.js';
import type { BuildContext, WorkflowContext } from './workflow.js';

const NAME = /^[A-Za-z0-9_.-]+$/;

function checkName(name: string, field: string): string {
  if (!NAME.test(name)) throw new ValidationError(`${field} '${name}' may only hold letters, digits, '_', '.', '-'`, { path: field });
  return name;
}

/** JSON-encoded unless it is text: how a waiting step's output reaches the next step. */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

/** What a waiting step's actor is started with. */
interface WaitInput {
  waits: Waits;
  stepId: string;
  /** The state's actor id, stamped on the events of the wait. */
  actorId: string;
  /** The previous step's output (the run's input for a first step). */
  content: string;
}

/** A step that ended without a result: the error is the workflow's to handle (no retry). */
const failure = (stepId: string, err: { code: string; message: string; name: string }): StepOutcome => ({
  ok: false,
  stepId,
  text: '',
  output: null,
  error: { code: err.code, message: err.message, name: err.name },
});

/**
 * A step of a sequential workflow that waits: for a person's approval ({@link ApprovalStep}),
 * an external signal ({@link SignalStep}) or a durable timer ({@link SleepStep}). It is a state
 * of the workflow's statechart invoking the named actor `approval`, `signal` or `sleep`, and
 * reports a {@link StepOutcome} like an agent step, so the workflow's failure semantics apply.
 */
export abstract class WaitingStep {
  /** The named actor its state invokes. */
  abstract readonly waitsFor: 'approval' | 'signal' | 'sleep';
  /** True when its output replaces the content it got (a signal's payload); approvals and sleeps pass it on. */
  abstract readonly produces: boolean;
  constructor(readonly name: string) {
    checkName(name, 'name');
  }
  /** The invoke config of its state: the actor id, the named actor and its input. */
  invocation(ctx: BuildContext, key: string) {
    const id = `${ctx.prefix}${key}`;
    return {
      id,
      src: this.waitsFor,
      // The step id is taken when the state is entered, in order with the agents'.
      input: ({ context }: { context: WorkflowContext }): WaitInput & { step: WaitingStep } => ({
        step: this,
        waits: context.services.waits,
        stepId: context.services.nextStepId(this.name),
        actorId: id,
        content: context.last ?? context.original,
      }),
    };
  }
  /** Wait, and report the step's outcome. */
  abstract wait(input: WaitInput): Promise<StepOutcome>;
}

/** Options of {@link ApprovalStep}. */
export interface ApprovalStepOptions {
  /** The step's name: its state in the statechart and what approvers see. */
  name: string;
  /** What the approver is asked (default: "Approve the output of the previous step?"). */
  prompt?: string;
  /** Decide on the approver's behalf after this long (`'24h'`, or ms). */
  timeout?: string | number;
  /** The decision the timeout takes (default `reject`). */
  onTimeout?: 'approve' | 'reject';
}

/**
 * Waits for a person to approve the previous step's output. Approved: the next step gets that
 * output, or the approver's edited version. Rejected: the step fails with
 * {@link ApprovalRejectedError} (`APPROVAL_REJECTED`), without retry.
 * @example
 * ```ts
 * new DeterministicWorkflow({ name: 'reviewed', agents: [createAgent('writer'),
 *   new ApprovalStep({ name: 'publish', prompt: 'Publish this?', timeout: '24h' }), createAgent('editor')] });
 * ```
 */
export class ApprovalStep extends WaitingStep {
  readonly waitsFor = 'approval';
  readonly produces = false;
  readonly prompt: string;
  readonly timeout: { ms: number; onTimeout: 'approve' | 'reject' } | undefined;
  constructor(options: ApprovalStepOptions) {
    super(options.name);
    this.prompt = options.prompt ?? 'Approve the output of the previous step?';
    if (options.onTimeout !== undefined && options.timeout === undefined) throw new ValidationError('onTimeout: needs a `timeout`', { path: 'onTimeout' });
    this.timeout = options.timeout === undefined ? undefined : { ms: parseDuration(options.timeout, 'timeout'), onTimeout: options.onTimeout ?? 'reject' };
  }
  async wait({ waits, stepId, actorId, content }: WaitInput): Promise<StepOutcome> {
    const d = await waits.approval({ approvalId: `${stepId}.approval`, kind: 'step', name: this.name, stepId, prompt: this.prompt, content, actorId, ...(this.timeout ? { timeout: this.timeout } : {}) });
    if (d.decision === 'reject') {
      const why = d.timedOut ? 'timed out (onTimeout: reject)' : `rejected by ${d.by}${d.comment ? `: ${d.comment}` : ''}`;
      return failure(stepId, new ApprovalRejectedError(`approval '${this.name}' ${why}`));
    }
    const output = d.output === undefined ? content : d.output;
    return { ok: true, stepId, text: textOf(output), output: output as unknown };
  }
}

/** Options of {@link SignalStep}. */
export interface SignalStepOptions {
  /** The signal's name (`aigen signal <run> <name>`); also the step's state. */
  name: string;
  /** A JSON Schema the payload must match; a payload that does not is refused, and nothing is recorded. */
  schema?: JsonSchema;
  /** Stop waiting after this long (`'1h'`, or ms): the step fails with SIGNAL_TIMED_OUT. */
  timeout?: string | number;
  /** What whoever sends the signal is told. */
  prompt?: string;
}

/**
 * Waits for an external signal; its payload becomes the step's output.
 * @example
 * ```ts
 * new SignalStep({ name: 'payment', schema: { type: 'object', required: ['amount'] }, timeout: '2d' });
 * ```
 */
export class SignalStep extends WaitingStep {
  readonly waitsFor = 'signal';
  readonly produces = true;
  readonly schema: JsonSchema | undefined;
  readonly prompt: string | undefined;
  readonly timeoutMs: number | undefined;
  constructor(options: SignalStepOptions) {
    super(options.name);
    if (options.schema !== undefined) compilePayloadSchema(options.schema);
    this.schema = options.schema;
    this.prompt = options.prompt;
    this.timeoutMs = options.timeout === undefined ? undefined : parseDuration(options.timeout, 'timeout');
  }
  async wait({ waits, stepId, actorId }: WaitInput): Promise<StepOutcome> {
    try {
      const r = await waits.signal({
        signalId: `${stepId}.signal`,
        name: this.name,
        stepId,
        actorId,
        ...(this.schema ? { schema: this.schema } : {}),
        ...(this.prompt !== undefined ? { prompt: this.prompt } : {}),
        ...(this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {}),
      });
      return { ok: true, stepId, text: textOf(r.payload), output: r.payload };
    } catch (err) {
      if (err instanceof AigenError && err.code === 'SIGNAL_TIMED_OUT') return failure(stepId, err);
      throw err;
    }
  }
}

/** Options of {@link SleepStep}: a duration, or a moment. */
export type SleepStepOptions = { name?: string } & ({ duration: string | number; until?: never } | { until: string | Date; duration?: never });

/**
 * A durable timer: the run waits (holding no process) until it is due, then goes on with the
 * previous step's output. It fires once, also across restarts and worker moves.
 * @example
 * ```ts
 * new SleepStep({ duration: '10m' }); new SleepStep({ name: 'until_monday', until: '2026-12-07T09:00:00Z' });
 * ```
 */
export class SleepStep extends WaitingStep {
  readonly waitsFor = 'sleep';
  readonly produces = false;
  readonly afterMs: number | undefined;
  /** ISO date-time it is due at, when given as a moment. */
  readonly until: string | undefined;
  constructor(options: SleepStepOptions) {
    super(options.name ?? 'sleep');
    if (options.until !== undefined) {
      const at = options.until instanceof Date ? options.until : new Date(options.until);
      if (Number.isNaN(at.getTime())) throw new ValidationError(`sleepUntil: expected an ISO date-time such as '2026-12-07T09:00:00Z', got '${String(options.until)}'`, { path: 'sleepUntil' });
      this.until = at.toISOString();
    } else {
      this.afterMs = parseDuration(options.duration, 'sleep');
    }
  }
  async wait({ waits, stepId, actorId, content }: WaitInput): Promise<StepOutcome> {
    await waits.sleep({ timerId: `${stepId}.timer`, stepId, actorId, ...(this.until ? { dueAt: this.until } : { ms: this.afterMs! }) });
    return { ok: true, stepId, text: content, output: content };
  }
}

/** The named actors the states of waiting steps invoke (registered in the workflow setup). */
export const waitingActors: Record<'approval' | 'signal' | 'sleep', AnyActorLogic> = {
  approval: fromPromise<StepOutcome, WaitInput & { step: WaitingStep }>(({ input }) => input.step.wait(input)),
  signal: fromPromise<StepOutcome, WaitInput & { step: WaitingStep }>(({ input }) => input.step.wait(input)),
  sleep: fromPromise<StepOutcome, WaitInput & { step: WaitingStep }>(({ input }) => input.step.wait(input)),
};
