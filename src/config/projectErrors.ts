import { ValidationError } from '../errors.js';

/**
 * The project file cannot be used: it is missing (when named explicitly), does not parse,
 * throws while loading, or its default export is invalid. The message starts with
 * `file:line:column` when the place is known, else with the file.
 * @example
 * ```ts
 * try { await loadProjectFile('aigen.config.ts'); }
 * catch (e) { if (e instanceof ProjectFileError) console.error(e.message); }
 * // aigen.config.ts:4:12: syntax error: Expected "}" but found ";"
 * ```
 */
export class ProjectFileError extends ValidationError {
  override readonly code: string = 'INVALID_PROJECT_FILE';
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(file: string, problem: string, options?: { cause?: unknown; line?: number | undefined; column?: number | undefined }) {
    const at = options?.line !== undefined ? `${file}:${options.line}${options.column !== undefined ? `:${options.column}` : ''}` : file;
    super(`${at}: ${problem}`, { ...(options?.cause !== undefined ? { cause: options.cause } : {}), path: at });
    this.file = file;
    this.line = options?.line;
    this.column = options?.column;
  }
}
