import type { AgentOptions, AigenAgent } from '../actors/agent.js';
import { ValidationError } from '../errors.js';
import { BranchingWorkflow, type BranchExtractor, type BranchInfo } from '../machines/branching.js';
import { DeterministicWorkflow } from '../machines/deterministic.js';
import { HandoffWorkflow } from '../machines/handoff.js';
import { LoopWorkflow } from '../machines/loop.js';
import { ParallelWorkflow } from '../machines/parallel.js';
import { ApprovalStep, SignalStep, SleepStep, type WaitingStep } from '../machines/waitingSteps.js';
import type { Step, Workflow } from '../machines/workflow.js';
import { STEP_TAG, type AgentSpec, type BranchRuleSpec, type StepSpec, type WaitingSpec, type WorkflowSpec } from './schema.js';
import { fieldPath, type FileIssue, type SourceFile } from './source.js';
import { didYouMean } from './suggest.js';

type Path = PropertyKey[];

/** What building a workflow file needs from a catalog (a `Catalog` is one). */
export interface BuildCatalog {
  hasAgentType(type: string): boolean;
  listAgentTypes(): Array<{ type: string }>;
  listTools(): string[];
  createAgent(type: string, options?: AgentOptions): AigenAgent;
  listWorkflows(): Array<{ name: string }>;
  createWorkflow(spec: string, options?: { name?: string }): Workflow;
}

/** What building needs besides the spec: where issues go, and how `file:` steps are loaded. */
export interface BuildScope {
  source: SourceFile;
  /** Where agent types, tools and referenced workflows come from. */
  catalog: BuildCatalog;
  issues: FileIssue[];
  /** Load the workflow of a `file:` step (`at` is the path of its `file` field). */
  include(ref: string, at: Path, model: string | undefined): Workflow | undefined;
}

/** Record an issue at `path` of the scope's file. */
export function report(scope: BuildScope, path: Path, message: string): void {
  scope.issues.push({ file: scope.source.file, ...scope.source.locate(path), field: fieldPath(path), message });
}

const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** `agents[0].handoffs[1]` → `['agents', 0, 'handoffs', 1]`. */
const splitPath = (p: string): Path => [...p.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));

function buildAgent(scope: BuildScope, a: AgentSpec, path: Path, model: string | undefined): AigenAgent | undefined {
  const before = scope.issues.length;
  const { catalog } = scope;
  if (!catalog.hasAgentType(a.type)) {
    report(scope, [...path, 'type'], `unknown agent type '${a.type}'${didYouMean(a.type, catalog.listAgentTypes().map((t) => t.type))}`);
  }
  const tools = catalog.listTools();
  (a.tools ?? []).forEach((t, i) => {
    if (!tools.includes(t)) {
      report(scope, [...path, 'tools', i], `unknown tool '${t}'${didYouMean(t, tools) || (tools.length ? ` (registered tools: ${tools.join(', ')})` : " (no tools are registered: list them in the project file's `tools`)")}`);
    }
  });
  if (scope.issues.length > before) return undefined;
  return catalog.createAgent(a.type, {
    ...defined({ agentId: a.id, instructions: a.instructions, tools: a.tools, handoffs: a.handoffs, description: a.description }),
    ...defined({ model: a.model ?? model, modelSettings: a.modelSettings }),
  });
}

/** A step that waits (approval, signal, timer), its options checked by its class. */
function buildWaiting(scope: BuildScope, s: WaitingSpec, path: Path): WaitingStep | undefined {
  const opt = <T extends object>(o: T) => defined(o) as T;
  try {
    switch (s[STEP_TAG]) {
      case 'approval':
        return new ApprovalStep(opt({ name: s.approval, prompt: s.prompt, timeout: s.timeout, onTimeout: s.onTimeout }));
      case 'wait':
        return new SignalStep(opt({ name: s.wait, prompt: s.prompt, schema: s.schema, timeout: s.timeout }));
      case 'sleep':
        if (s.sleep !== undefined && s.sleepUntil !== undefined) {
          report(scope, [...path, 'sleepUntil'], 'a step sleeps for a duration (`sleep`) or until a moment (`sleepUntil`), not both');
          return undefined;
        }
        return new SleepStep(opt({ name: s.name, ...(s.sleep !== undefined ? { duration: s.sleep } : { until: s.sleepUntil! }) }));
    }
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    // The class names the option it refuses (`timeout`, `schema`, …): the issue is located there.
    const field = err.path ?? '';
    report(scope, field ? [...path, field] : path, field && err.message.startsWith(field) ? err.message.slice(field.length).replace(/^:? /, '') : err.message);
    return undefined;
  }
}

/** A step of a sequential workflow: any step, or one that waits. */
function buildSequenceStep(scope: BuildScope, s: StepSpec, path: Path, model: string | undefined): Step | WaitingStep | undefined {
  const tag = s[STEP_TAG];
  return tag === 'approval' || tag === 'wait' || tag === 'sleep' ? buildWaiting(scope, s, path) : buildStep(scope, s, path, model);
}

function buildStep(scope: BuildScope, s: StepSpec, path: Path, model: string | undefined): Step | undefined {
  switch (s[STEP_TAG]) {
    case 'approval':
    case 'wait':
    case 'sleep':
      report(scope, path, `a step that waits (\`${s[STEP_TAG]}\`) can only be one of the agents of a sequential workflow`);
      return undefined;
    case 'agent':
      return buildAgent(scope, s, path, model);
    case 'workflow':
      return buildWorkflow(scope, s, path, model);
    case 'file':
      return scope.include(s.file, [...path, 'file'], model);
    case 'ref': {
      const names = scope.catalog.listWorkflows().map((w) => w.name);
      if (!names.includes(s.workflow)) {
        report(scope, [...path, 'workflow'], `unknown workflow '${s.workflow}'${didYouMean(s.workflow, names) || ` (registered: ${names.join(', ')})`}`);
        return undefined;
      }
      const wf = scope.catalog.createWorkflow(s.workflow, defined({ name: s.name }));
      for (const agent of wf.agents()) agent.model ??= model;
      return wf;
    }
  }
}

/** The agent steps written directly in one workflow (not in nested ones), with their paths. */
function directAgents(spec: WorkflowSpec): Array<[StepSpec, Path]> {
  switch (spec.kind) {
    case 'sequential':
    case 'handoff':
      return spec.agents.map((a, i) => [a, ['agents', i]]);
    case 'branching':
      return [[spec.classifier, ['classifier']], ...Object.entries(spec.branches).map(([b, s]): [StepSpec, Path] => [s, ['branches', b]])];
    case 'parallel':
      return [...Object.entries(spec.branches).map(([b, s]): [StepSpec, Path] => [s, ['branches', b]]), [spec.aggregator, ['aggregator']]];
    case 'loop':
      return [[spec.generator, ['generator']], [spec.critic, ['critic']], [spec.reviser, ['reviser']]];
  }
}

/**
 * Duplicate agent ids where agents run one after another (sequential, handoff, loop; branches
 * are alternatives or child runs), and handoffs to agents that are not in the workflow.
 */
function checkAgents(scope: BuildScope, spec: WorkflowSpec, path: Path): void {
  const agents = directAgents(spec).filter((e): e is [AgentSpec, Path] => e[0][STEP_TAG] === 'agent');
  const unique = spec.kind === 'sequential' || spec.kind === 'handoff' || spec.kind === 'loop';
  const seen = new Map<string, Path>();
  for (const [a, p] of agents) {
    const id = a.id ?? a.type;
    const first = seen.get(id);
    if (first && unique) report(scope, [...path, ...p, a.id ? 'id' : 'type'], `duplicate agent id '${id}' (also ${fieldPath([...path, ...first])}); give one of them an 'id'`);
    else if (!first) seen.set(id, p);
  }
  for (const [a, p] of agents) {
    (a.handoffs ?? []).forEach((h, j) => {
      if (!seen.has(h)) {
        report(scope, [...path, ...p, 'handoffs', j], `handoff to '${h}', which is not an agent of workflow '${spec.name}'${didYouMean(h, seen.keys()) || ` (agents: ${[...seen.keys()].join(', ')})`}`);
      }
    });
  }
}

function keywordExtractor(scope: BuildScope, rule: BranchRuleSpec | undefined, names: string[], path: Path): BranchExtractor | undefined {
  if (rule === undefined || rule === 'contentType') return undefined;
  for (const b of [...Object.keys(rule.keywords), ...(rule.default ? [rule.default] : [])]) {
    if (!names.includes(b)) {
      const at = b === rule.default ? [...path, 'rule', 'default'] : [...path, 'rule', 'keywords', b];
      report(scope, at, `'${b}' is not a branch of this workflow${didYouMean(b, names) || ` (branches: ${names.join(', ')})`}`);
    }
  }
  return (classification, branches) => {
    const text = classification.toLowerCase();
    for (const [branch, words] of Object.entries(rule.keywords)) {
      const word = words.find((w) => text.includes(w.toLowerCase()));
      if (word) return { branch, reason: `classifier answer mentions '${word}'` };
    }
    const fallback = rule.default ?? (branches.includes('general') ? 'general' : branches[branches.length - 1]!);
    return { branch: fallback, reason: `no keyword matched; using '${fallback}'` };
  };
}

/** Each branch's own `description` (agent or inline workflow) and its `vocabulary` words. */
function branchInfo(scope: BuildScope, spec: Extract<WorkflowSpec, { kind: 'branching' }>, path: Path): Record<string, BranchInfo> {
  const names = Object.keys(spec.branches);
  for (const b of Object.keys(spec.vocabulary ?? {})) {
    if (!names.includes(b)) report(scope, [...path, 'vocabulary', b], `'${b}' is not a branch of this workflow${didYouMean(b, names) || ` (branches: ${names.join(', ')})`}`);
  }
  return Object.fromEntries(
    Object.entries(spec.branches).map(([b, s]) => {
      const description = s[STEP_TAG] === 'agent' || s[STEP_TAG] === 'workflow' ? s.description : undefined;
      return [b, { description, keywords: spec.vocabulary?.[b] }];
    }),
  );
}

function buildRecord(scope: BuildScope, r: Record<string, StepSpec>, path: Path, model: string | undefined): Record<string, Step> {
  return Object.fromEntries(Object.entries(r).map(([k, s]) => [k, buildStep(scope, s, [...path, k], model)!]));
}

function construct(scope: BuildScope, spec: WorkflowSpec, path: Path, model: string | undefined): Workflow {
  const agent = (a: AgentSpec, p: string) => buildAgent(scope, a, [...path, p], model)!;
  const { name } = spec;
  switch (spec.kind) {
    case 'sequential':
      return new DeterministicWorkflow({ name, agents: spec.agents.map((s, i) => buildSequenceStep(scope, s, [...path, 'agents', i], model)!) });
    case 'handoff':
      return new HandoffWorkflow({ name, agents: spec.agents.map((a, i) => buildAgent(scope, a, [...path, 'agents', i], model)!), ...defined({ maxTurns: spec.maxTurns }) });
    case 'branching': {
      const branches = buildRecord(scope, spec.branches, [...path, 'branches'], model);
      const extract = keywordExtractor(scope, spec.rule, Object.keys(spec.branches), path);
      const info = branchInfo(scope, spec, path);
      return new BranchingWorkflow({ name, classifier: agent(spec.classifier, 'classifier'), branches, branchInfo: info, ...defined({ extract }) });
    }
    case 'parallel':
      return new ParallelWorkflow({ name, branches: buildRecord(scope, spec.branches, [...path, 'branches'], model), aggregator: agent(spec.aggregator, 'aggregator') });
    case 'loop': {
      const phrases = spec.approval?.map((p) => p.toLowerCase());
      return new LoopWorkflow({
        name,
        generator: buildStep(scope, spec.generator, [...path, 'generator'], model)!,
        critic: agent(spec.critic, 'critic'),
        reviser: agent(spec.reviser, 'reviser'),
        ...defined({ maxIterations: spec.maxIterations, approve: phrases && ((c: string) => phrases.some((p) => c.toLowerCase().includes(p))) }),
      });
    }
  }
}

/**
 * Build the workflow a validated spec describes, checking what the schema cannot (agent types,
 * tools, handoff targets, duplicate ids, referenced workflows and files). Problems go to
 * `scope.issues`; the result is undefined when there were any.
 * @example
 * ```ts
 * const scope = { source, catalog: new Catalog(), issues: [], include: () => undefined };
 * const wf = buildWorkflow(scope, spec); // DeterministicWorkflow, HandoffWorkflow, …
 * ```
 */
export function buildWorkflow(scope: BuildScope, spec: WorkflowSpec, path: Path = [], inherited?: string): Workflow | undefined {
  const before = scope.issues.length;
  const model = spec.model ?? inherited;
  checkAgents(scope, spec, path);
  let workflow: Workflow | undefined;
  try {
    workflow = construct(scope, spec, path, model);
  } catch (err) {
    if (scope.issues.length > before) return undefined; // a step already reported why
    if (!(err instanceof ValidationError)) throw err;
    report(scope, [...path, ...splitPath(err.path ?? '')], err.message);
    return undefined;
  }
  if (scope.issues.length > before) return undefined;
  if (spec.version !== undefined) Object.assign(workflow, { version: String(spec.version) });
  if (spec.retry) workflow.retryPolicy = { ...spec.retry };
  if (spec.concurrency !== undefined) workflow.concurrency = spec.concurrency;
  return workflow;
}
