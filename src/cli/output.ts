/**
 * Where the CLI writes, and how: stdout carries results (text or JSON), stderr carries progress,
 * hints and errors. Colours and animation only when the stream is a terminal. While `--json` is
 * on, whatever else writes to stdout (a tool's `console.log`) goes to stderr (see {@link Output.keepStdoutForJson}).
 */
import { redactSecrets } from '../secrets.js';

/** ANSI styles; identity functions when colour is off. */
export interface Styles {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain: Styles = {
  bold: (t) => t,
  dim: (t) => t,
  red: (t) => t,
  green: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
};

function ansi(open: number, close: number): (text: string) => string {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

const coloured: Styles = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  red: ansi(31, 39),
  green: ansi(32, 39),
  yellow: ansi(33, 39),
  cyan: ansi(36, 39),
};

/** The writable side of a stream as the CLI uses it. */
export interface OutStream {
  write(chunk: string, callback?: (err?: Error | null) => void): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** Whether to colour a stream: a TTY, unless NO_COLOR or TERM=dumb; FORCE_COLOR forces it. */
export function useColour(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** One output stream with its styles. */
export class Channel {
  readonly style: Styles;
  readonly tty: boolean;

  constructor(
    readonly stream: OutStream,
    env: NodeJS.ProcessEnv,
  ) {
    this.tty = stream.isTTY === true;
    this.style = useColour(stream, env) ? coloured : plain;
  }

  /** Terminal width (80 when unknown). */
  get columns(): number {
    return this.stream.columns && this.stream.columns > 20 ? this.stream.columns : 80;
  }

  /** Writes `text` with every configured secret (API keys, store passwords) redacted. */
  write(text: string): void {
    this.stream.write(redactSecrets(text));
  }

  line(text = ''): void {
    this.stream.write(`${redactSecrets(text)}\n`);
  }

  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      this.stream.write('', () => resolve());
    });
  }
}

/** A callback of a stream write. */
type WriteCallback = (err?: Error | null) => void;

/**
 * A handle on `stream` that writes with the stream's own `write` as it is now: a later
 * replacement of `stream.write` (see {@link divertWrites}) does not reach it.
 */
function privateHandle(stream: OutStream): OutStream {
  const write = stream.write.bind(stream);
  return {
    write: (chunk, callback) => (callback ? write(chunk, callback) : write(chunk)),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/**
 * Send every write to `stream` (`stream.write(…)`, and so `console.log` for process.stdout) to
 * `to` instead, secrets redacted; returns the function that puts `stream.write` back.
 */
export function divertWrites(stream: OutStream, to: OutStream): () => void {
  const target = stream as { write: unknown };
  const original = target.write;
  target.write = (chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8');
    const done = typeof encoding === 'function' ? encoding : callback;
    return done ? to.write(redactSecrets(text), done) : to.write(redactSecrets(text));
  };
  return () => {
    target.write = original;
  };
}

/** stdout and stderr of one CLI invocation. */
export class Output {
  readonly out: Channel;
  readonly err: Channel;
  private readonly stdout: OutStream;
  private readonly stderr: OutStream;
  private restoreStdout: (() => void) | undefined;

  constructor(stdout: OutStream, stderr: OutStream, env: NodeJS.ProcessEnv) {
    this.stdout = stdout;
    this.stderr = stderr;
    // The CLI's own output keeps its way to stdout when other writes to stdout are diverted.
    this.out = new Channel(privateHandle(stdout), env);
    this.err = new Channel(privateHandle(stderr), env);
  }

  /**
   * From now on stdout carries only what this Output writes: anything else written to the stdout
   * stream (user code's `console.log`, `process.stdout.write`) goes to stderr. For `--json`,
   * whose stdout must stay exactly the JSON. Idempotent; {@link restore} undoes it.
   */
  keepStdoutForJson(): void {
    this.restoreStdout ??= divertWrites(this.stdout, this.stderr);
  }

  /** Put stdout back as it was before {@link keepStdoutForJson}. */
  restore(): void {
    this.restoreStdout?.();
    this.restoreStdout = undefined;
  }

  /** A JSON document on stdout (pretty-printed, one value). */
  json(value: unknown): void {
    this.out.line(JSON.stringify(value, null, 2));
  }

  /** One JSON line on stdout (for streams of values). */
  jsonLine(value: unknown): void {
    this.out.line(JSON.stringify(value));
  }

  async flush(): Promise<void> {
    await Promise.all([this.out.flush(), this.err.flush()]);
  }
}
