import { ValidationError } from '../errors.js';

/** A workflow spec names no registered workflow, agent type or list of agent types. */
export class UnknownWorkflowError extends ValidationError {
  override readonly code = 'UNKNOWN_WORKFLOW';
  constructor(
    readonly spec: string,
    names: readonly string[],
    options: { path?: string; files: boolean },
  ) {
    super(
      `unknown workflow '${spec}': use one of ${names.join(', ')}, or comma-separated agent types${options.files ? ', or a workflow file (.yaml/.json)' : ''}`,
      { path: options.path ?? 'workflow' },
    );
  }
}
