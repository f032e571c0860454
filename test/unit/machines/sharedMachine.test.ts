import { fromPromise, setup, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  createAgent,
  createWorkflow,
  DeterministicWorkflow,
  Workflow,
  type BuildContext,
  type RunServices,
  type Step,
} from '../../../src/index.js';
import { unusedRunServices } from '../../support/runServices.js';

const services = unusedRunServices;

/** A kind written against `ctx.services` at build time, as kinds before shared machines were. */
class BuildTimeServicesKind extends Workflow {
  readonly kind = 'build_time_services';
  built: RunServices[] = [];
  steps(): Step[] {
    return [];
  }
  build(ctx: BuildContext): AnyStateMachine {
    this.built.push(ctx.services);
    const stepId = fromPromise(() => Promise.resolve(ctx.services.nextStepId('x')));
    return setup({ actors: { stepId } }).createMachine({ id: this.name, initial: 'a', states: { a: { invoke: { src: 'stepId', onDone: 'b' } }, b: { type: 'final' } } });
  }
}

describe('a workflow machine shared by every run of the workflow', () => {
  it.each(['content_generation', 'dynamic_content', 'content_router', 'multi_perspective', 'self_improving'])(
    'built-in kind %s builds its machine once, without reading any run services at build time',
    (name) => {
      const workflow = createWorkflow(name);
      const first = workflow.machine({ services: services(), prefix: '' });
      expect(workflow.machine({ services: services(), prefix: '' })).toBe(first);
    },
  );

  it('a kind that does not declare sharing is built for each run with that run s services', () => {
    const workflow = new BuildTimeServicesKind('custom');
    const [a, b] = [services(), services()];
    expect(workflow.machine({ services: a, prefix: '' })).not.toBe(workflow.machine({ services: b, prefix: '' }));
    expect(workflow.built).toEqual([a, b]);
  });

  it('a built-in workflow nesting such a kind is built for each run too, handing the run s services down', () => {
    const nested = new BuildTimeServicesKind('custom');
    const workflow = new DeterministicWorkflow({ name: 'outer', agents: [createAgent('research'), nested] });
    const [a, b] = [services(), services()];
    expect(workflow.machine({ services: a, prefix: '' })).not.toBe(workflow.machine({ services: b, prefix: '' }));
    expect(nested.built).toEqual([a, b]);
  });
});
