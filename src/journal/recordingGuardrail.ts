import type {
  GuardrailFunctionOutput, InputGuardrail, OutputGuardrail, ToolGuardrailFunctionOutput,
  ToolInputGuardrailDefinition, ToolOutputGuardrailDefinition,
} from '@openai/agents';
import type { EventData } from '../events/catalogue.js';
import { guardrailCheckKey, RecordedError, type AnswerSource } from './answers.js';
import { toErrorInfo } from './errorInfo.js';
import type { NestedCalls } from './nestedRuns.js';
import type { Recorder } from './recorder.js';
import { toJson } from './recordingModel.js';
import { Turnstile } from './turnstile.js';

/** Where a guardrail check belongs: one attempt of one agent actor's step. */
export interface GuardrailScope {
  recorder: Recorder;
  stepId: string;
  attempt: number;
  actorId: string;
  /** Recorded checks (replay, resume, fork): returned instead of running the guardrail. */
  answers?: AnswerSource;
  /** Makes a model the guardrail's code calls (a guardrail agent's `run()`) part of the step. */
  nested?: NestedCalls;
}

type Check = EventData<'GuardrailChecked'>;
type Kind = Check['kind'];
/** What identifies one check, beside its scope. */
interface CheckId {
  kind: Kind;
  guardrail: string;
  callId?: string | undefined;
  tool?: string | undefined;
}

/**
 * Run one guardrail check, recorded: live, the guardrail runs and its decision (or its error) is
 * durable before the SDK sees it; on re-execution the recorded decision is returned and the
 * guardrail (and any model its code calls) does not run. `gate` makes re-execution record the
 * checks of guardrails that run together in the order the log has them.
 */
async function check<T>(
  scope: GuardrailScope,
  id: CheckId,
  run: () => Promise<T>,
  toCheck: (output: T) => Pick<Check, 'tripwireTriggered' | 'outputInfo' | 'behavior'>,
  fromCheck: (recorded: Check) => T,
  gate?: Turnstile,
): Promise<T> {
  const base = {
    stepId: scope.stepId,
    attempt: scope.attempt,
    guardrail: id.guardrail,
    kind: id.kind,
    ...(id.callId !== undefined ? { callId: id.callId } : {}),
    ...(id.tool !== undefined ? { tool: id.tool } : {}),
  };
  const key = guardrailCheckKey(base);
  const meta = { actorId: scope.actorId };
  const recorded = scope.answers?.guardrail(key);
  // Runs inside it (a guardrail agent) are recorded under the check: `guardrail.<kind>.<name>[.<callId>]`.
  const parent = ['guardrail', id.kind, id.guardrail, ...(id.callId !== undefined ? [id.callId] : [])].join('.');
  if (recorded) {
    // Answered from the log: its nested runs do not run again, and their recorded usage counts.
    scope.nested?.answered(parent);
    try {
      await gate?.wait(key);
      scope.recorder.record('GuardrailChecked', recorded, meta);
    } finally {
      gate?.pass(key);
    }
    if (scope.recorder.error) throw scope.recorder.error;
    if (recorded.error) throw new RecordedError(recorded.error);
    return fromCheck(recorded);
  }
  // A replay that already diverged must not run live guardrail code.
  if (scope.recorder.error) throw scope.recorder.error;
  let output: T;
  try {
    output = scope.nested ? await scope.nested.within(parent, id.guardrail, run) : await run();
  } catch (err) {
    await scope.recorder.durable('GuardrailChecked', { ...base, tripwireTriggered: false, error: toErrorInfo(err) }, meta);
    throw err;
  }
  await scope.recorder.durable('GuardrailChecked', { ...base, ...toCheck(output) }, meta);
  return output;
}

/** The recorded form of a guardrail's `outputInfo` (JSON; absent when it gave none). */
function info(outputInfo: unknown): Pick<Check, 'outputInfo'> {
  return outputInfo === undefined ? {} : { outputInfo: toJson(outputInfo) };
}

const agentCheck = (o: GuardrailFunctionOutput) => ({ tripwireTriggered: o.tripwireTriggered, ...info(o.outputInfo) });
const agentOutput = (c: Check): GuardrailFunctionOutput => ({ tripwireTriggered: c.tripwireTriggered, outputInfo: c.outputInfo });

/** The recorded checks of one kind of this step attempt, in log order: the order re-execution records them in. */
function gateOf(scope: GuardrailScope, kind: Kind): Turnstile | undefined {
  return scope.answers ? new Turnstile(scope.answers.guardrailOrder(scope.stepId, scope.attempt, kind)) : undefined;
}

/** The function of an input or output guardrail as given (`execute`), or as `defineInputGuardrail` built it. */
function functionOf<F>(g: { name: string; execute?: F; guardrailFunction?: F }): F {
  const fn = g.execute ?? g.guardrailFunction;
  if (!fn) throw new TypeError(`guardrail '${g.name}' has no execute function`);
  return fn;
}

/**
 * An agent's input guardrails, recorded (see {@link check}). They run before the step's first
 * model call (`runInParallel: false`), so a tripped guardrail spends no model call and the log
 * has the same order on every re-execution.
 */
export function recordingInputGuardrails(guardrails: readonly InputGuardrail[], scope: GuardrailScope): InputGuardrail[] {
  const gate = gateOf(scope, 'input');
  return guardrails.map((g) => {
    const execute = functionOf<InputGuardrail['execute']>(g);
    return {
      name: g.name,
      runInParallel: false,
      execute: (args) => check(scope, { kind: 'input', guardrail: g.name }, () => execute(args), agentCheck, agentOutput, gate),
    };
  });
}

/** An agent's output guardrails, recorded (see {@link check}). */
export function recordingOutputGuardrails<G extends OutputGuardrail<never>>(guardrails: readonly G[], scope: GuardrailScope): G[] {
  const gate = gateOf(scope, 'output');
  return guardrails.map((g) => {
    const execute = functionOf<G['execute']>(g);
    return {
      ...g,
      execute: (args: Parameters<G['execute']>[0]) =>
        check(scope, { kind: 'output', guardrail: g.name }, () => execute(args), agentCheck, agentOutput, gate),
    };
  });
}

const toolCheck = (o: ToolGuardrailFunctionOutput) => {
  const behavior = o.behavior ?? { type: 'allow' as const };
  return {
    tripwireTriggered: behavior.type === 'throwException',
    behavior: behavior.type === 'rejectContent' ? { type: behavior.type, message: behavior.message } : { type: behavior.type },
    ...info(o.outputInfo),
  };
};

const toolOutput = (c: Check): ToolGuardrailFunctionOutput => ({
  outputInfo: c.outputInfo,
  behavior:
    c.behavior?.type === 'rejectContent'
      ? { type: 'rejectContent', message: c.behavior.message ?? '' }
      : { type: c.behavior?.type === 'throwException' ? 'throwException' : 'allow' },
});

/** A tool's input guardrails, recorded per call (see {@link check}); the SDK runs them one after another. */
export function recordingToolInputGuardrails(guardrails: readonly ToolInputGuardrailDefinition[] | undefined, scope: GuardrailScope, tool: string): ToolInputGuardrailDefinition[] | undefined {
  return guardrails?.map((g) => ({
    ...g,
    run: (data) => check(scope, { kind: 'tool_input', guardrail: g.name, callId: data.toolCall.callId, tool }, () => g.run(data), toolCheck, toolOutput),
  }));
}

/** A tool's output guardrails, recorded per call (see {@link check}). */
export function recordingToolOutputGuardrails(guardrails: readonly ToolOutputGuardrailDefinition[] | undefined, scope: GuardrailScope, tool: string): ToolOutputGuardrailDefinition[] | undefined {
  return guardrails?.map((g) => ({
    ...g,
    run: (data) => check(scope, { kind: 'tool_output', guardrail: g.name, callId: data.toolCall.callId, tool }, () => g.run(data), toolCheck, toolOutput),
  }));
}
