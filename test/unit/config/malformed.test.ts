import { readdirSync } from 'node:fs';
import { tool } from '@openai/agents';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createWorkflow, loadWorkflowFile, parseWorkflowSource, registerTool, ValidationError, WorkflowFileError } from '../../../src/index.js';

const dir = 'test/fixtures/workflows/bad';
const kinds = '(one of sequential, handoff, branching, parallel, loop)';

/** Each malformed file: where its first problem is, and the message (field path first). */
const cases: Array<[file: string, at: string, message: string]> = [
  ['yaml-syntax.yaml', '5:1', 'invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ['yaml-duplicate-key.yaml', '3:1', 'invalid YAML: Map keys must be unique'],
  ['yaml-tab.yaml', '4:1', 'invalid YAML: Tabs are not allowed as indentation'],
  ['yaml-nested-compact.yaml', '4:11', 'invalid YAML: Nested mappings are not allowed in compact mappings'],
  ['json-syntax.json', '4:3', "invalid JSON: Expected ',' or '}' after property value"],
  ['json-trailing-comma.json', '5:1', 'invalid JSON: Expected double-quoted property name'],
  ['json-wrong-type.json', '4:3', "maxTurns: expected a number, got 'ten'"],
  ['empty.yaml', '1:1', 'the file is empty; a workflow needs at least name, kind and its steps'],
  ['not-a-mapping.yaml', '2:1', 'expected a mapping, got a list'],
  ['missing-name.yaml', '1:1', 'name: required field missing'],
  ['missing-kind.yaml', '1:1', `kind: required field missing ${kinds}`],
  ['bad-kind.yaml', '2:1', `kind: unknown workflow kind 'sequental' — did you mean 'sequential'? ${kinds}`],
  ['agents-wrong-type.yaml', '3:1', "agents: expected a list, got 'research'"],
  ['empty-agents.yaml', '3:1', 'agents: must not be empty'],
  ['missing-critic.yaml', '1:1', 'critic: required field missing'],
  ['unknown-agent-type.yaml', '6:5', "agents[1].type: unknown agent type 'writter' — did you mean 'writer'?"],
  ['unknown-tool.yaml', '5:13', "agents[0].tools[0]: unknown tool 'web_serch' — did you mean 'web_search'?"],
  ['handoff-missing-agent.yaml', '5:16', "agents[0].handoffs[0]: handoff to 'writr', which is not an agent of workflow 'desk' — did you mean 'writer'?"],
  ['duplicate-agent-id.yaml', '6:5', "agents[2].type: duplicate agent id 'writer' (also agents[0]); give one of them an 'id'"],
  ['bad-agent-id.yaml', '5:5', "agents[0].id: may only hold letters, digits, '_', '.', '-'"],
  ['misspelt-key.yaml', '6:5', "agents[1].instuctions: unknown key 'instuctions' — did you mean 'instructions'?"],
  ['misspelt-type-key.yaml', '4:5', "agents[0].tpye: unknown key 'tpye' — did you mean 'type'?"],
  ['misspelt-top-key.yaml', '6:1', "maxIteration: unknown key 'maxIteration' — did you mean 'maxIterations'?"],
  ['misspelt-kind-key.yaml', '2:1', "knd: unknown key 'knd' — did you mean 'kind'?"],
  ['handoff-workflow-agent.yaml', '5:5', 'agents[1]: must be a single agent (a type, or a mapping with `type`); a workflow is not allowed here'],
  ['parallel-missing-aggregator.yaml', '6:1', "aggregatr: unknown key 'aggregatr' — did you mean 'aggregator'?"],
  ['negative-max-iterations.yaml', '8:1', 'maxIterations: must be >= 0, got -1'],
  ['fractional-max-turns.yaml', '3:1', 'maxTurns: expected a whole number, got 2.5'],
  ['bad-model-settings.yaml', '6:7', 'agents[0].modelSettings.temperature: must be <= 2, got 3'],
  ['bad-retry.yaml', '5:3', "retry.retryDelayMs: expected a number, got 'soon'"],
  ['bad-rule.yaml', '4:1', "rule: expected 'contentType', got 'contenttype' — did you mean 'contentType'?"],
  ['empty-branches.yaml', '4:1', 'branches: must name at least one branch'],
  ['reserved-branch.yaml', '5:3', "branches.classify: branch name 'classify' is reserved"],
  ['keyword-rule-unknown-branch.yaml', '6:5', "rule.keywords.technicl: 'technicl' is not a branch of this workflow — did you mean 'technical'?"],
  ['unknown-workflow-ref.yaml', '4:3', "generator.workflow: unknown workflow 'content_generaton' — did you mean 'content_generation'?"],
  ['nested-bad-step.yaml', '9:28', 'agents[1].branches.two.tools: expected a list, got 3'],
  ['missing-include.yaml', '5:5', "agents[1].file: included file './parts/nowhere.yaml' not found (looked for test/fixtures/workflows/bad/parts/nowhere.yaml)"],
  ['bad-part.yaml', '4:5', "agents[0].type: unknown agent type 'editr' — did you mean 'editor'?"],
];

/** Files whose error is located in another file (the one they include). */
const elsewhere: Array<[file: string, location: string, message: string]> = [
  ['include-bad-part.yaml', `${dir}/bad-part.yaml:4:5`, "agents[0].type: unknown agent type 'editr' — did you mean 'editor'?"],
  [
    'include-cycle-a.yaml',
    `${dir}/include-cycle-b.yaml:4:5`,
    `agents[0].file: include cycle: ${dir}/include-cycle-a.yaml → ${dir}/include-cycle-b.yaml → ${dir}/include-cycle-a.yaml`,
  ],
  [
    'include-cycle-b.yaml',
    `${dir}/include-cycle-a.yaml:5:5`,
    `agents[1].file: include cycle: ${dir}/include-cycle-b.yaml → ${dir}/include-cycle-a.yaml → ${dir}/include-cycle-b.yaml`,
  ],
];

function failure(run: () => unknown): WorkflowFileError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowFileError);
    return err as WorkflowFileError;
  }
  throw new Error('expected a WorkflowFileError');
}

beforeAll(() => {
  registerTool(tool({ name: 'web_search', description: 'Search the web', parameters: z.object({ q: z.string() }), execute: () => 'results' }));
});

describe('malformed workflow files', () => {
  it.each(cases)('%s → %s', (file, at, message) => {
    const err = failure(() => loadWorkflowFile(`${dir}/${file}`));
    expect(err.message.split('\n')[0]).toBe(`${dir}/${file}:${at}: ${message}`);
    expect(err.code).toBe('INVALID_WORKFLOW_FILE');
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.path).toBe(`${dir}/${file}:${at}`);
    expect(`${err.line}:${err.column}`).toBe(at);
    expect(message.startsWith(err.field ? `${err.field}: ` : '')).toBe(true);
  });

  it.each(elsewhere)('%s → %s', (file, location, message) => {
    expect(failure(() => loadWorkflowFile(`${dir}/${file}`)).message.split('\n')[0]).toBe(`${location}: ${message}`);
  });

  it('covers every fixture in the directory', () => {
    const covered = new Set([...cases, ...elsewhere].map(([f]) => f));
    expect(readdirSync(dir).filter((f) => !covered.has(f))).toEqual([]);
    expect(covered.size).toBeGreaterThanOrEqual(20);
  });

  it('reports every problem of a file, in file order, one per line', () => {
    const text = 'name: many\nkind: sequential\nagents:\n  - type: writter\n    tools: [nope]\n  - type: editor\n    handoffs: [critic]\n';
    const err = failure(() => parseWorkflowSource(text, { file: 'many.yaml' }));
    expect(err.issues.map((i) => `${i.line}:${i.column} ${i.field}`)).toEqual(['4:5 agents[0].type', '5:13 agents[0].tools[0]', '7:16 agents[1].handoffs[0]']);
    expect(err.message.split('\n')).toHaveLength(3);
  });

  it('names a missing file, also through createWorkflow', () => {
    expect(failure(() => loadWorkflowFile('workflows/none.yaml')).message).toBe('workflows/none.yaml:1:1: file not found');
    expect(failure(() => createWorkflow('workflows/none.yml')).message).toBe('workflows/none.yml:1:1: file not found');
  });

  it('lists the allowed keys when no key is close', () => {
    const err = failure(() => parseWorkflowSource('name: x\nkind: sequential\nagents: [writer]\ncolour: blue\n', { file: 'x.yaml' }));
    expect(err.message).toBe("x.yaml:4:1: colour: unknown key 'colour' (allowed: name, description, version, model, retry, concurrency, kind, agents)");
  });
});
