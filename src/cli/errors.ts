import { CommanderError } from 'commander';
import { errorMessage, NotFoundError } from '../errors.js';

/** Exit codes of every `aigen` command. */
export const EXIT = {
  /** Success; a run that completed or ended partial. */
  ok: 0,
  /** A run failed or was cancelled; a system error (store down, internal failure). */
  failed: 1,
  /** Bad input: usage, unknown run / workflow / store, invalid workflow file, missing API key. */
  usage: 2,
  /** Interrupted by SIGINT while a run was in progress (the run is recorded as cancelled). */
  interrupted: 130,
  /** Stopped by SIGTERM while a run was in progress (the run is recorded as cancelled). */
  terminated: 143,
} as const;

/** The exit code after a signal interrupted a run: 130 for SIGINT, 143 for SIGTERM. */
export function signalExitCode(signal: NodeJS.Signals | undefined): number {
  return signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
}

/** The `kind` every aigen error carries (see src/errors.ts). */
function kindOf(err: unknown): 'user' | 'system' | undefined {
  if (typeof err !== 'object' || err === null || !('kind' in err)) return undefined;
  const kind = err.kind;
  return kind === 'user' || kind === 'system' ? kind : undefined;
}

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The exit code of an error: user errors (bad input, unknown names) 2, system errors and
 * anything unexpected 1. Commander's own usage errors are 2; help and version are 0.
 */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  const kind = kindOf(err);
  if (kind === 'user') return EXIT.usage;
  return EXIT.failed;
}

/**
 * The one line printed for an error. Unexpected errors (not aigen errors) say so, because they
 * are bugs worth reporting; the stack is only printed at `--log-level debug`.
 */
export function errorLine(err: unknown): string {
  const message = errorMessage(err).trim() || 'unknown error';
  if (kindOf(err) !== undefined) return message + cliHint(err);
  const code = codeOf(err);
  return code ? `${message} (${code})` : `internal error: ${message}`;
}

/** What to do next, in CLI terms (the library's and the server's messages name no command or flag). */
function cliHint(err: unknown): string {
  if (err instanceof NotFoundError && err.what === 'run') return '; `aigen runs` lists the runs of this store';
  if (codeOf(err) === 'WORKFLOW_NOT_RECORDED') return ' with --workflow <name|path>';
  if (codeOf(err) === 'MISSING_API_KEY') return ' (--model offline)';
  if (codeOf(err) === 'STORE_READ_ONLY') return ' (run, resume, fork, cancel, approve, reject, signal, import and serve record events; runs, status, approvals, trace, events, tail, export and replay only read)';
  return '';
}
