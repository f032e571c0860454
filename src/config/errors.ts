import { ValidationError } from '../errors.js';
import type { FileIssue } from './source.js';

/** `file:line:column: field: message`, one line. */
export function formatIssue(issue: FileIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.field ? `${issue.field}: ` : ''}${issue.message}`;
}

/** At most this many problems are listed in a {@link WorkflowFileError}'s message (`issues` holds them all). */
export const MAX_REPORTED_ISSUES = 20;

/**
 * A workflow file that cannot be used: bad syntax, a schema violation, or a reference to an
 * unknown agent type, tool, workflow or file. The message has one line per issue (at most
 * {@link MAX_REPORTED_ISSUES}, then a count of the rest), each naming
 * `file:line:column` and the field path; `issues` holds them structured, first one first.
 * @example
 * ```ts
 * try { loadWorkflowFile('workflows/x.yaml'); }
 * catch (e) { if (e instanceof WorkflowFileError) console.error(e.message); }
 * // workflows/x.yaml:7:5: agents[1].type: unknown agent type 'writter' — did you mean 'writer'?
 * ```
 */
export class WorkflowFileError extends ValidationError {
  override readonly code: string = 'INVALID_WORKFLOW_FILE';
  readonly issues: readonly FileIssue[];
  /** File, line, column and field of the first issue. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly field: string;

  constructor(issues: readonly FileIssue[], options?: { cause?: unknown }) {
    const first = issues[0] ?? { file: '<unknown>', line: 1, column: 1, field: '', message: 'invalid workflow file' };
    const shown = issues.slice(0, MAX_REPORTED_ISSUES).map(formatIssue);
    if (issues.length > MAX_REPORTED_ISSUES) shown.push(`… and ${issues.length - MAX_REPORTED_ISSUES} more problems in ${first.file}`);
    super(issues.length ? shown.join('\n') : formatIssue(first), {
      ...options,
      path: `${first.file}:${first.line}:${first.column}`,
    });
    this.issues = issues.length ? issues : [first];
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
    this.field = first.field;
  }
}

/**
 * A recorded run's workflow cannot be rebuilt: its RunStarted records no source (it was recorded
 * before sources were) and no workflow is registered under its name. Give the workflow it ran
 * (resume, replay and fork take one).
 * @example
 * ```ts
 * await engine.resume(runId, { workflow: loadWorkflowFile('review.yaml') });
 * ```
 */
export class UnrecordedWorkflowError extends ValidationError {
  override readonly code = 'WORKFLOW_NOT_RECORDED';
  constructor(
    readonly runId: string,
    readonly workflow: string,
    registered: readonly string[],
  ) {
    super(
      `run ${runId} ran workflow '${workflow}', which is not registered here (registered: ${registered.join(', ')}) and was not recorded with the run; give the workflow it ran`,
      { path: 'workflow' },
    );
  }
}
