import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { redact, registerEnvSecrets } from '../secrets.js';
import type { Logger, pino as Pino } from 'pino';
import type { Catalog } from '../config/catalog.js';
import type { ProjectConfig } from '../config/project.js';
import type { PriceTable } from '../projections/api.js';
import { Application } from '../app/application.js';
import type { EngineOptions, WorkflowEngine } from '../runtime/engine.js';
import type { EventStore } from '../store/eventStore.js';
import { EXIT } from './errors.js';
import { Output, type OutStream } from './output.js';
import type { CliReads } from './views.js';

const require = createRequire(import.meta.url);

/** pino, loaded when a command first logs: commands that never log start without it. */
export const loadPino = (): typeof Pino => (require('pino') as { pino: typeof Pino }).pino;

/** Log levels of `--log-level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Commands that only read recorded runs: they never create a missing store. */
const READ_COMMANDS = new Set(['runs', 'status', 'trace', 'events', 'tail', 'export', 'replay', 'approvals']);

/** The options every command accepts. */
export interface GlobalOptions {
  /** The store URL: `--store`, else `AIGEN_STORE`, else the project file's `store`, else the default. */
  store: string;
  logLevel: LogLevel;
  json: boolean;
  /** `--config` / `AIGEN_CONFIG`: the project file to load instead of `aigen.config.*` in the working directory. */
  config: string | undefined;
}

/** The project file as the commands use it. */
export interface CliProject {
  /** Absolute path of the project file, if there is one. */
  file: string | undefined;
  config: ProjectConfig;
  /** Built-ins + the project file's agents, tools and workflows. */
  catalog: Catalog;
  /** The built-in price table with the project file's prices over it. */
  prices: PriceTable;
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
  private options: GlobalOptions = { store: '', logLevel: 'warn', json: false, config: undefined };
  private loaded: CliProject | undefined;
  /** Whether the running command only reads: it must not create a missing store. */
  private readOnly = false;
  private log: Logger | undefined;
  /** The store and engine of the running command (see {@link app}). */
  private application: Application | undefined;
  /** The URL the store and views are opened with (see {@link openedUrl}). */
  private opened: Promise<string> | undefined;
  private removeCopy: (() => void) | undefined;
  /** The SQLite file this command reads through a copy (see {@link openedUrl}), if it does. */
  copiedStore: string | undefined;
  private runViews: Promise<CliReads> | undefined;
  private readonly cleanups: Array<() => unknown> = [];
  private interruptHandler: ((signal: NodeJS.Signals) => void) | undefined;

  constructor(readonly proc: CliProcess) {
    this.output = new Output(proc.stdout, proc.stderr, proc.env);
  }

  /**
   * Read the global options of the command about to run and load the project file (a commander
   * preAction hook). The project file's `store` applies when neither `--store` nor `AIGEN_STORE` is given.
   */
  async configure(command: Command): Promise<void> {
    const o = command.optsWithGlobals<{ store?: string; logLevel?: string; json?: boolean; config?: string }>();
    this.options = {
      store: o.store ?? '',
      logLevel: (LOG_LEVELS as readonly string[]).includes(o.logLevel ?? '') ? (o.logLevel as LogLevel) : 'warn',
      json: o.json === true,
      config: o.config || undefined,
    };
    // Before the project file loads: its code (and every tool's) may write to stdout.
    if (this.options.json) this.output.keepStdoutForJson();
    this.log = undefined;
    this.readOnly = READ_COMMANDS.has(command.name());
    this.opened = undefined;
    this.loaded = undefined;
    const config = await this.projectConfig();
    if (config.store !== undefined && optionSource(command, 'store') === 'default') {
      this.options = { ...this.options, store: config.store };
    }
    registerEnvSecrets(this.proc.env, this.options.store);
  }

  /**
   * The project file's settings. Without a project file this loads nothing more (commands that
   * only read the store stay fast); with one, it loads it into the catalog.
   */
  async projectConfig(): Promise<ProjectConfig> {
    if (this.loaded) return this.loaded.config;
    const { findProjectFile } = await import('../config/projectPath.js');
    if (!findProjectFile(this.proc.cwd(), this.options.config)) return {};
    return (await this.project()).config;
  }

  /** The built-in price table with the project file's prices over it. */
  async prices(): Promise<PriceTable> {
    return this.pricesOf(await this.projectConfig());
  }

  private async pricesOf(config: ProjectConfig): Promise<PriceTable> {
    const { DEFAULT_PRICES } = await import('../projections/usage.js');
    return { ...DEFAULT_PRICES, ...config.prices };
  }

  /** The project file, loaded into the default catalog once per invocation. */
  async project(): Promise<CliProject> {
    if (this.loaded) return this.loaded;
    const { loadProject } = await import('../config/projectFile.js');
    const started = Date.now();
    const { file, config, catalog } = await loadProject({ cwd: this.proc.cwd(), config: this.options.config });
    if (file) this.logger.debug({ file, ms: Date.now() - started }, 'project file loaded');
    this.loaded = { file, config, catalog, prices: await this.pricesOf(config) };
    return this.loaded;
  }

  /**
   * What every engine of the CLI is built with: the catalog, the environment, and the default
   * model (`AIGEN_MODEL`, else the project file's `model`; `--model` overrides per run).
   */
  async engineOptions(): Promise<Pick<EngineOptions, 'catalog' | 'env' | 'model'>> {
    const { catalog, config } = await this.project();
    const model = this.proc.env.AIGEN_MODEL || config.model;
    return { catalog, env: this.proc.env, ...(model ? { model } : {}) };
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

  /** pino, writing JSON lines to stderr at `--log-level` (loaded on first use: most commands never log). */
  get logger(): Logger {
    const pino = loadPino();
    // Log lines go through the same secret redaction as everything else written to stderr.
    const destination = { write: (line: string) => writeSync(2, redact(line)) };
    // Stack traces only at debug and trace level; a warning says what failed in one line.
    const verbose = this.options.logLevel === 'debug' || this.options.logLevel === 'trace';
    const err = (e: unknown) => {
      const full = pino.stdSerializers.err(e as Error);
      return verbose ? full : { type: full.type, message: full.message, ...(typeof full.code === 'string' ? { code: full.code } : {}) };
    };
    this.log ??= pino({ level: this.options.logLevel, base: { pid: process.pid }, serializers: { err } }, destination);
    return this.log;
  }

  /**
   * The application of the running command: the store of `--store` / `AIGEN_STORE` and the one
   * engine over it, built with {@link engineOptions}; closed when the command ends.
   */
  get app(): Application {
    this.application ??= new Application({
      store: async () => {
        const { openStore } = await import('../store/openStore.js');
        const started = Date.now();
        const store = await openStore(await this.openedUrl(), { mustExist: this.readOnly });
        this.logger.debug({ store: this.options.store, ms: Date.now() - started }, 'store opened');
        return store;
      },
      engineOptions: () => this.engineOptions(),
    });
    return this.application;
  }

  /** The event store of `--store` / `AIGEN_STORE`, opened once. */
  openStore(): Promise<EventStore> {
    return this.app.store();
  }

  /** The engine over {@link openStore}, built once. */
  engine(): Promise<WorkflowEngine> {
    return this.app.engine();
  }

  /**
   * The store URL as opened: `--store`, except that a command that only reads a SQLite file this
   * user cannot write reads a private copy of it, taken now (its views are brought up to date in
   * the copy; the original is never written, and nothing is left beside it).
   */
  private openedUrl(): Promise<string> {
    this.opened ??= (async () => {
      const url = this.options.store;
      if (!this.readOnly || !/^sqlite:/i.test(url)) return url;
      const { parseSqliteUrl, sqliteWritable, copyForReading } = await import('../store/sqlite/index.js');
      const { path, durability } = parseSqliteUrl(url);
      if (path === ':memory:' || sqliteWritable(path)) return url;
      const copy = copyForReading(path);
      this.removeCopy = copy.remove;
      this.copiedStore = resolve(path);
      this.logger.debug({ store: url, copy: copy.path }, 'store is read-only: reading a copy');
      return `sqlite:${copy.path}?durability=${durability}`;
    })();
    return this.opened;
  }

  /** The read side (projections) of the store, opened once. */
  views(): Promise<CliReads> {
    this.runViews ??= (async () => {
      const [{ openViews }, store, prices] = await Promise.all([import('./views.js'), this.openStore(), this.prices()]);
      return openViews(await this.openedUrl(), store, { prices });
    })();
    return this.runViews;
  }

  /** Run `fn` when the command ends (in reverse order of registration). */
  onClose(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  /** Handle SIGINT / SIGTERM while the current command runs; without a handler they exit 130 / 143. */
  onInterrupt(handler: ((signal: NodeJS.Signals) => void) | undefined): void {
    this.interruptHandler = handler;
  }

  /** Called for each SIGINT / SIGTERM; returns false when nobody handled it. */
  interrupt(signal: NodeJS.Signals = 'SIGINT'): boolean {
    if (!this.interruptHandler) return false;
    this.interruptHandler(signal);
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
    await this.application?.close().catch((err: unknown) => this.logger.debug({ err }, 'store close failed'));
    this.application = undefined;
    this.removeCopy?.();
    this.removeCopy = undefined;
    this.opened = undefined;
  }
}

/** Where an option's value came from ('cli', 'env', 'default', …), looking up through parent commands. */
function optionSource(command: Command, key: string): string | undefined {
  for (let c: Command | null = command; c; c = c.parent) {
    const source = c.getOptionValueSource(key);
    if (source !== undefined) return source;
  }
  return undefined;
}
