import type { Command } from 'commander';
import { pino, type Logger } from 'pino';
import type { EventStore } from '../store/eventStore.js';
import { EXIT } from './errors.js';
import { Output, type OutStream } from './output.js';
import type { RunViews } from './views.js';

/** Log levels of `--log-level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The options every command accepts. */
export interface GlobalOptions {
  store: string;
  logLevel: LogLevel;
  json: boolean;
}

/** The process the CLI runs in (replaceable for tests). */
export interface CliProcess {
  stdout: OutStream;
  stderr: OutStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd(): string;
}

/**
 * State shared by the commands of one invocation: global options, the logger, the store (opened
 * on first use, closed at exit), cleanups and the SIGINT handler of the running command.
 */
export class CliContext {
  readonly output: Output;
  /** Set by a command to end with something other than 0. */
  exitCode: number = EXIT.ok;
  private options: GlobalOptions = { store: '', logLevel: 'warn', json: false };
  private log: Logger | undefined;
  private store: Promise<EventStore> | undefined;
  private runViews: Promise<RunViews> | undefined;
  private readonly cleanups: Array<() => unknown> = [];
  private interruptHandler: (() => void) | undefined;

  constructor(readonly proc: CliProcess) {
    this.output = new Output(proc.stdout, proc.stderr, proc.env);
  }

  /** Read the global options of the command about to run (a commander preAction hook). */
  configure(command: Command): void {
    const o = command.optsWithGlobals<{ store?: string; logLevel?: string; json?: boolean }>();
    this.options = {
      store: o.store ?? '',
      logLevel: (LOG_LEVELS as readonly string[]).includes(o.logLevel ?? '') ? (o.logLevel as LogLevel) : 'warn',
      json: o.json === true,
    };
    this.log = undefined;
  }

  get globals(): GlobalOptions {
    return this.options;
  }

  get json(): boolean {
    return this.options.json;
  }

  /** Whether progress may animate: stderr is a terminal and output is not JSON. */
  get animate(): boolean {
    return !this.options.json && this.output.err.tty;
  }

  /** pino, writing JSON lines to stderr at `--log-level`. */
  get logger(): Logger {
    this.log ??= pino({ level: this.options.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
    return this.log;
  }

  /** The event store of `--store` / `AIGEN_STORE`, opened once. */
  openStore(): Promise<EventStore> {
    this.store ??= (async () => {
      const { openStore } = await import('../store/openStore.js');
      const started = Date.now();
      const store = await openStore(this.options.store);
      this.logger.debug({ store: this.options.store, ms: Date.now() - started }, 'store opened');
      return store;
    })();
    return this.store;
  }

  /** The read side (projections) of the store, opened once. */
  views(): Promise<RunViews> {
    this.runViews ??= (async () => {
      const [{ openViews }, store] = await Promise.all([import('./views.js'), this.openStore()]);
      return openViews(this.options.store, store);
    })();
    return this.runViews;
  }

  /** Run `fn` when the command ends (in reverse order of registration). */
  onClose(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  /** Handle SIGINT while the current command runs; without a handler SIGINT exits 130. */
  onInterrupt(handler: (() => void) | undefined): void {
    this.interruptHandler = handler;
  }

  /** Called for each SIGINT; returns false when nobody handled it. */
  interrupt(): boolean {
    if (!this.interruptHandler) return false;
    this.interruptHandler();
    return true;
  }

  /** Run the cleanups, then close the store. Never throws. */
  async close(): Promise<void> {
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        this.logger.debug({ err }, 'cleanup failed');
      }
    }
    this.cleanups.length = 0;
    if (this.runViews) {
      const views = await this.runViews.catch(() => undefined);
      await views?.close().catch((err: unknown) => this.logger.debug({ err }, 'projections close failed'));
      this.runViews = undefined;
    }
    if (this.store) {
      const store = await this.store.catch(() => undefined);
      await store?.close().catch((err: unknown) => this.logger.debug({ err }, 'store close failed'));
      this.store = undefined;
    }
  }
}
