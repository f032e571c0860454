import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AigenAgent,
  BranchingWorkflow,
  createWorkflow,
  DeterministicWorkflow,
  HandoffWorkflow,
  isWorkflowFilePath,
  loadWorkflowFile,
  LoopWorkflow,
  ParallelWorkflow,
  parseWorkflowSource,
  type Workflow,
} from '../../../src/index.js';

let dir: string;
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const ids = (wf: Workflow) => wf.agents().map((a) => a.agentId);
const stepNames = (wf: Workflow) => wf.steps().map((s) => (s instanceof AigenAgent ? `agent:${s.agentId}` : `${s.kind}:${s.name}`));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'aigen-wf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('valid workflow files', () => {
  it('sequential: agents in order, shorthand types, options, retry policy, version and default model', () => {
    const wf = parseWorkflowSource(
      [
        'name: pipeline',
        'kind: sequential',
        'version: 2',
        'model: gpt-4.1-mini',
        'retry: { maxRetries: 1, retryDelayMs: 250 }',
        'agents:',
        '  - research',
        '  - type: writer',
        '    id: author',
        '    instructions: Write it.',
        '    model: offline',
        '    modelSettings: { temperature: 0.2, maxTokens: 500 }',
        '    description: The author.',
        '  - editor',
      ].join('\n'),
      { file: 'pipeline.yaml' },
    );
    expect(wf).toBeInstanceOf(DeterministicWorkflow);
    expect(wf).toMatchObject({ kind: 'sequential', name: 'pipeline', version: '2', retryPolicy: { maxRetries: 1, retryDelayMs: 250 } });
    expect(ids(wf)).toEqual(['research', 'author', 'editor']);
    const [research, author, editor] = wf.agents();
    expect(author).toMatchObject({ type: 'writer', instructions: 'Write it.', model: 'offline', modelSettings: { temperature: 0.2, maxTokens: 500 }, description: 'The author.' });
    expect(research!.model).toBe('gpt-4.1-mini');
    expect(editor!.instructions).toMatch(/senior editor/);
    expect(editor!.description).toBe('Polishes drafts for clarity, accuracy and style.');
  });

  it('handoff: agents with their handoffs and maxTurns', () => {
    const wf = parseWorkflowSource(
      'name: desk\nkind: handoff\nmaxTurns: 4\nagents:\n  - { type: orchestrator, id: triage, handoffs: [research, writer] }\n  - { type: research, handoffs: [writer] }\n  - writer\n',
    );
    expect(wf).toBeInstanceOf(HandoffWorkflow);
    expect(wf.kind).toBe('handoff');
    expect(wf.agents().map((a) => [a.agentId, a.handoffs])).toEqual([['triage', ['research', 'writer']], ['research', ['writer']], ['writer', []]]);
    expect(wf).toMatchObject({ maxTurns: 4 });
  });

  it('branching: classifier, branches of every step form, keyword rule', () => {
    const wf = parseWorkflowSource(
      'name: router\nkind: branching\nclassifier: { type: strategy, instructions: Classify. }\nrule:\n  keywords: { technical: [code] }\n  default: general\nbranches:\n  technical: { name: tech, kind: sequential, agents: [research, writer] }\n  creative: writer\n  general: { workflow: content_generation }\n',
    );
    expect(wf).toBeInstanceOf(BranchingWorkflow);
    expect(stepNames(wf)).toEqual(['agent:strategy', 'sequential:tech', 'agent:writer', 'sequential:content_generation']);
    expect(wf.agents()[0]!.instructions).toBe('Classify.');
    const extract = (wf as unknown as { options: { extract: (c: string, b: string[]) => { branch: string } } }).options.extract;
    expect(extract('Classification: code review', ['technical', 'creative', 'general']).branch).toBe('technical');
    expect(extract('Classification: poetry', ['technical', 'creative', 'general']).branch).toBe('general');
  });

  it('parallel: branches and aggregator; agent branches become one-agent workflows', () => {
    const wf = parseWorkflowSource('name: fan\nkind: parallel\nbranches:\n  a: research\n  b: { workflow: content_generation, name: general }\naggregator: { type: editor, id: aggregator }\n');
    expect(wf).toBeInstanceOf(ParallelWorkflow);
    expect(stepNames(wf)).toEqual(['sequential:a', 'sequential:general', 'agent:aggregator']);
  });

  it('loop: generator, critic, reviser, maxIterations and approval phrases', () => {
    const wf = parseWorkflowSource('name: loop\nkind: loop\nmaxIterations: 0\napproval: [LGTM]\ngenerator: { name: g, kind: sequential, agents: [research, writer] }\ncritic: critic\nreviser: { type: writer, id: reviser }\n');
    expect(wf).toBeInstanceOf(LoopWorkflow);
    expect(ids(wf)).toEqual(['research', 'writer', 'critic', 'reviser']);
    const options = (wf as unknown as { options: { maxIterations: number; approve: (c: string) => boolean } }).options;
    expect(options.maxIterations).toBe(0);
    expect([options.approve('lgtm, ship it'), options.approve('Excellent. No improvements needed.')]).toEqual([true, false]);
  });

  it('JSON files build the same way', () => {
    write('pair.json', JSON.stringify({ name: 'pair', kind: 'sequential', agents: ['writer', { type: 'editor', id: 'copy_editor' }] }, null, 2));
    const wf = loadWorkflowFile(join(dir, 'pair.json'));
    expect(wf.kind).toBe('sequential');
    expect(ids(wf)).toEqual(['writer', 'copy_editor']);
  });
});

describe('nesting and references', () => {
  it('inline workflows nest to any depth and inherit the default model', () => {
    const wf = parseWorkflowSource(
      'name: outer\nkind: sequential\nmodel: offline\nagents:\n  - research\n  - name: mid\n    kind: loop\n    generator:\n      name: inner\n      kind: sequential\n      model: other\n      agents: [writer]\n    critic: critic\n    reviser: { type: writer, id: reviser }\n',
    );
    expect(stepNames(wf)).toEqual(['agent:research', 'loop:mid']);
    expect(wf.agents().map((a) => `${a.agentId}@${a.model}`)).toEqual(['research@offline', 'writer@other', 'critic@offline', 'reviser@offline']);
  });

  it('file: references resolve relative to the including file, also from subdirectories', () => {
    mkdirSync(join(dir, 'parts', 'deeper'), { recursive: true });
    write('main.yaml', 'name: main\nkind: sequential\nmodel: offline\nagents:\n  - research\n  - file: ./parts/tail.yaml\n');
    write('parts/tail.yaml', 'name: tail\nkind: parallel\nbranches:\n  one: writer\n  two: { file: deeper/leaf.json }\naggregator: editor\n');
    write('parts/deeper/leaf.json', '{ "name": "leaf", "kind": "sequential", "agents": ["summarizer"] }');
    const wf = loadWorkflowFile(join(dir, 'main.yaml'));
    expect(stepNames(wf)).toEqual(['agent:research', 'parallel:tail']);
    const tail = wf.steps()[1] as Workflow;
    expect(stepNames(tail)).toEqual(['sequential:one', 'sequential:leaf', 'agent:editor']);
    expect(wf.agents().map((a) => `${a.agentId}@${a.model}`)).toEqual(['research@offline', 'writer@offline', 'summarizer@offline', 'editor@offline']);
  });

  it('a file may be included twice when there is no cycle', () => {
    write('twice.yaml', 'name: twice\nkind: sequential\nagents:\n  - file: parts/deeper/leaf.json\n  - file: ./parts/deeper/leaf.json\n');
    expect(stepNames(loadWorkflowFile(join(dir, 'twice.yaml')))).toEqual(['sequential:leaf', 'sequential:leaf']);
  });

  it('createWorkflow takes file paths; names and agent lists still work', () => {
    write('solo.yml', 'name: solo\nkind: sequential\nagents: [summarizer]\n');
    expect(ids(createWorkflow(join(dir, 'solo.yml')))).toEqual(['summarizer']);
    expect(createWorkflow('content_generation').name).toBe('content_generation');
    expect(ids(createWorkflow(['research', 'writer']))).toEqual(['research', 'writer']);
    expect(isWorkflowFilePath('workflows/x.yaml')).toBe(true);
    expect(isWorkflowFilePath(join(dir, 'solo.yml').replace(/\.yml$/, ''))).toBe(false);
    expect(isWorkflowFilePath('content_generation')).toBe(false);
  });

  it('every example file loads', () => {
    for (const f of ['sequential', 'handoff', 'branching', 'keyword-branching', 'parallel', 'loop', 'nested']) {
      expect(loadWorkflowFile(`examples/workflows/${f}.yaml`).kind).toBe(f === 'nested' ? 'sequential' : f.replace('keyword-', ''));
    }
  });
});
