import { z } from 'zod';
import { closest } from './suggest.js';

/**
 * The schema of workflow files (YAML or JSON). A file is a workflow with a `kind`; its steps are
 * agents, inline workflows (same schema, recursive), registered workflows (`workflow: name`) or
 * other files (`file: ./other.yaml`). Objects are strict: unknown keys are errors.
 *
 * Steps carry a hidden `~step` tag ('agent' | 'workflow' | 'ref' | 'file' | 'approval' | 'wait' |
 * 'sleep') that a preprocess step derives from the keys present, so a step's errors come from
 * the one shape it meant. The waiting steps (approval, wait, sleep) are built only among the
 * agents of a sequential workflow.
 */
export const STEP_TAG = '~step';

/** The workflow kinds a file may declare. */
export const workflowKinds = ['sequential', 'handoff', 'branching', 'parallel', 'loop'] as const;
export type WorkflowKind = (typeof workflowKinds)[number];

const name = z.string().min(1);

/** The `modelSettings` of an agent: the common `@openai/agents` ModelSettings fields. */
export const modelSettingsSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
  toolChoice: z.string().min(1).optional(),
  parallelToolCalls: z.boolean().optional(),
  truncation: z.enum(['auto', 'disabled']).optional(),
  store: z.boolean().optional(),
  timeoutMs: z.number().int().positive().optional(),
  reasoning: z
    .strictObject({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).optional(),
      summary: z.enum(['auto', 'concise', 'detailed']).optional(),
    })
    .optional(),
  text: z.strictObject({ verbosity: z.enum(['low', 'medium', 'high']).optional() }).optional(),
});

const agentObject = z.strictObject({
  [STEP_TAG]: z.literal('agent'),
  type: name,
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, "may only hold letters, digits, '_', '.', '-'").optional(),
  instructions: z.string().optional(),
  model: name.optional(),
  modelSettings: modelSettingsSchema.optional(),
  tools: z.array(name).optional(),
  handoffs: z.array(name).optional(),
  description: z.string().optional(),
});

/** The key each step shape is recognised by (a bare string is an agent type). */
const TAG_KEYS = { kind: 'workflow', workflow: 'ref', file: 'file', approval: 'approval', wait: 'wait', sleep: 'sleep', sleepUntil: 'sleep', type: 'agent' } as const;
type StepTag = (typeof TAG_KEYS)[keyof typeof TAG_KEYS];

/** Which shape a step means, from the keys it has (a bare string is an agent type). */
export function stepTag(value: object): StepTag {
  const exact = (Object.keys(TAG_KEYS) as Array<keyof typeof TAG_KEYS>).find((k) => k in value);
  if (exact) return TAG_KEYS[exact];
  for (const key of Object.keys(value)) {
    const near = closest(key, Object.keys(TAG_KEYS)) as keyof typeof TAG_KEYS | undefined;
    if (near) return TAG_KEYS[near];
  }
  return 'agent';
}

const tagged = (force?: 'agent' | 'workflow') => (v: unknown) => {
  if (typeof v === 'string' && force !== 'workflow') return { type: v, [STEP_TAG]: 'agent' };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  return { ...v, [STEP_TAG]: force ?? stepTag(v) };
};

/** An agent: `{ type, id?, instructions?, model?, modelSettings?, tools?, handoffs?, description? }` or just its type. */
export const agentSchema = z.preprocess((v, ctx) => {
  const tag = typeof v === 'object' && v !== null && !Array.isArray(v) ? stepTag(v) : 'agent';
  if (tag !== 'agent') {
    const what = tag === 'approval' || tag === 'wait' || tag === 'sleep' ? 'a step that waits' : 'a workflow';
    ctx.addIssue({ code: 'custom', message: `must be a single agent (a type, or a mapping with \`type\`); ${what} is not allowed here`, input: v });
  }
  return tagged('agent')(v);
}, agentObject);

const refObject = z.strictObject({ [STEP_TAG]: z.literal('ref'), workflow: name, name: name.optional() });
const fileObject = z.strictObject({ [STEP_TAG]: z.literal('file'), file: name });

const waitName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "may only hold letters, digits, '_', '.', '-'");
/** `- approval: NAME`: waits for a person to approve the previous step's output. */
const approvalObject = z.strictObject({
  [STEP_TAG]: z.literal('approval'),
  approval: waitName,
  prompt: z.string().optional(),
  timeout: name.optional(),
  onTimeout: z.enum(['approve', 'reject']).optional(),
});
/** `- wait: SIGNAL`: waits for a signal; its payload (checked against `schema`) is the step's output. */
const waitObject = z.strictObject({
  [STEP_TAG]: z.literal('wait'),
  wait: waitName,
  prompt: z.string().optional(),
  schema: z.record(z.string(), z.unknown()).optional(),
  timeout: name.optional(),
});
/** `- sleep: DURATION` or `- sleepUntil: ISO`: a durable timer. */
const sleepObject = z.strictObject({ [STEP_TAG]: z.literal('sleep'), sleep: name.optional(), sleepUntil: name.optional(), name: waitName.optional() });

const base = {
  [STEP_TAG]: z.literal('workflow'),
  name,
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).optional(),
  model: name.optional(),
  retry: z
    .strictObject({ maxRetries: z.number().int().min(0).optional(), retryDelayMs: z.number().int().min(0).optional() })
    .optional(),
  /** Most runs of the workflow executing at once across all workers. */
  concurrency: z.number().int().positive().optional(),
};

const branches = () =>
  z.record(name, stepSchema).refine((r) => Object.keys(r).length > 0, { message: 'must name at least one branch' });

const keywordRule = z.strictObject({ keywords: z.record(name, z.array(name).min(1)), default: name.optional() });

const workflowUnion = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('sequential'), get agents() { return z.array(stepSchema).min(1); } }),
  z.strictObject({ ...base, kind: z.literal('handoff'), agents: z.array(agentSchema).min(1), maxTurns: z.number().int().positive().optional() }),
  z.strictObject({
    ...base,
    kind: z.literal('branching'),
    classifier: agentSchema,
    get branches() { return branches(); },
    rule: z.union([z.literal('contentType'), keywordRule]).optional(),
    vocabulary: z.record(name, z.array(name).min(1)).optional(),
  }),
  z.strictObject({ ...base, kind: z.literal('parallel'), get branches() { return branches(); }, aggregator: agentSchema }),
  z.strictObject({
    ...base,
    kind: z.literal('loop'),
    get generator() { return stepSchema; },
    critic: agentSchema,
    reviser: agentSchema,
    maxIterations: z.number().int().min(0).optional(),
    approval: z.array(name).min(1).optional(),
  }),
]);

/** Any step of a workflow: agent, inline workflow, registered workflow or file reference. */
export const stepSchema: z.ZodType<StepSpec> = z.preprocess(
  tagged(),
  z.discriminatedUnion(STEP_TAG, [agentObject, workflowUnion, refObject, fileObject, approvalObject, waitObject, sleepObject]),
);

/** A whole workflow file. */
export const workflowFileSchema = z.preprocess(tagged('workflow'), workflowUnion);

/** A parsed agent step. */
export type AgentSpec = z.infer<typeof agentObject>;
/** A parsed step that waits: an approval, a signal or a timer. */
export type WaitingSpec = z.infer<typeof approvalObject> | z.infer<typeof waitObject> | z.infer<typeof sleepObject>;
/** `retry:` of a workflow: the engine's retry options for its runs. */
export interface RetrySpec {
  maxRetries?: number | undefined;
  retryDelayMs?: number | undefined;
}
/** Fields every workflow kind has. */
export interface WorkflowBaseSpec {
  [STEP_TAG]: 'workflow';
  name: string;
  description?: string | undefined;
  version?: string | number | undefined;
  model?: string | undefined;
  retry?: RetrySpec | undefined;
  /** Most runs of the workflow executing at once across all workers. */
  concurrency?: number | undefined;
}
/** How a branching workflow picks its branch. */
export type BranchRuleSpec = 'contentType' | { keywords: Record<string, string[]>; default?: string | undefined };
/** A parsed workflow of any kind. */
export type WorkflowSpec = WorkflowBaseSpec &
  (
    | { kind: 'sequential'; agents: StepSpec[] }
    | { kind: 'handoff'; agents: AgentSpec[]; maxTurns?: number | undefined }
    | {
        kind: 'branching';
        classifier: AgentSpec;
        branches: Record<string, StepSpec>;
        rule?: BranchRuleSpec | undefined;
        /** Words per branch that point the classifier to it (added to its instructions with the branch descriptions). */
        vocabulary?: Record<string, string[]> | undefined;
      }
    | { kind: 'parallel'; branches: Record<string, StepSpec>; aggregator: AgentSpec }
    | {
        kind: 'loop';
        generator: StepSpec;
        critic: AgentSpec;
        reviser: AgentSpec;
        maxIterations?: number | undefined;
        approval?: string[] | undefined;
      }
  );
/** A parsed step. */
export type StepSpec =
  | AgentSpec
  | WorkflowSpec
  | { [STEP_TAG]: 'ref'; workflow: string; name?: string | undefined }
  | { [STEP_TAG]: 'file'; file: string }
  | WaitingSpec;
