import type { AigenEvent } from '../../events/envelope.js';
import { runIdOfStream, runStreamId } from '../../events/streams.js';
import type { EventStore } from '../../store/eventStore.js';
import type { CheckpointStore } from '../checkpoints.js';
import { CheckpointConflictError } from '../errors.js';
import { LiveDrain } from '../liveDrain.js';
import { readLogPage } from '../logPage.js';
import { applyRunSpans, otelTraceId, startRunSpans, type LogSpan, type RunSpans } from './spans.js';

/** Where finished spans go (the OTLP exporter, or a test's list). Resolves once the spans are accepted. */
export type SpanSink = (spans: LogSpan[]) => Promise<void>;

/** Options of {@link LogSpanExporter}. */
export interface LogSpanExporterOptions {
  /** Name of the checkpoint (default `otel`). Two exporters with one name share (and split) the work. */
  checkpoint?: string;
  /** Most events read per batch (default 1000). */
  batchSize?: number;
  /** Open runs kept in memory between batches (default 1000); others are rebuilt from their stream. */
  cacheSize?: number;
  /** Called when a batch fails (the live exporter retries it after `retryMs`). */
  onError?: (error: unknown) => void;
  retryMs?: number;
}

/**
 * Exports the spans of recorded runs: reads the log after its checkpoint, folds each run's events
 * with the trace projection and takes the spans each event ends ({@link applyRunSpans}), hands the
 * spans a batch finished to the sink, and only then moves the checkpoint. A span is built from
 * recorded events only, its ids derive from the run id and the trace span's id, and it is handed
 * over once: a process that dies mid-run leaves the spans it exported behind the checkpoint, and
 * whichever process exports next continues from there. A replay writes nothing, so it exports
 * nothing.
 * @example
 * ```ts
 * const exporter = new LogSpanExporter(store, await openCheckpointStore(url, store), async (spans) => console.log(spans));
 * await exporter.catchUp();
 * ```
 */
export class LogSpanExporter {
  /** Spans handed to the sink and batches committed so far. */
  readonly stats = { spans: 0, batches: 0 };
  private readonly name: string;
  private readonly runs = new Map<string, RunSpans>();
  private readonly traces = new Map<string, string>();
  private readonly loop: LiveDrain;
  /** The last position this exporter read up to (where it listens from when live). */
  private position: string | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    private readonly sink: SpanSink,
    private readonly options: LogSpanExporterOptions = {},
  ) {
    this.name = options.checkpoint ?? 'otel';
    this.loop = new LiveDrain(store, () => this.drain(), { from: () => this.position ?? 'start', onError: options.onError, retryMs: options.retryMs });
  }

  /** Export every span the log holds so far. */
  catchUp(): Promise<void> {
    return this.loop.exclusive(() => this.drain());
  }

  /** Catch up, then export new spans as events are stored, until {@link stop}. */
  start(): void {
    this.loop.start();
  }

  /** Stop listening; resolves when the batch in progress is exported. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async drain(): Promise<void> {
    while (await this.step());
  }

  /** One batch. True when there may be more to read. */
  private async step(): Promise<boolean> {
    const expected = await this.checkpoints.read(this.name);
    this.position = expected;
    const limit = this.options.batchSize ?? 1000;
    const { events, last, more } = await readLogPage(this.store, expected, limit, { filter: { streamPrefix: 'run-' } });
    if (last === undefined) return false;
    const spans: LogSpan[] = [];
    for (const e of events) spans.push(...(await this.apply(e as AigenEvent)));
    if (spans.length > 0) await this.sink(spans);
    try {
      await this.checkpoints.write(this.name, expected, last);
    } catch (err) {
      if (!(err instanceof CheckpointConflictError)) throw err;
      // Another exporter moved on from the same position: what it exported is its own; forget this batch's state.
      this.runs.clear();
      return true;
    }
    this.position = last;
    this.stats.spans += spans.length;
    this.stats.batches++;
    this.evict();
    return more;
  }

  private async apply(e: AigenEvent): Promise<LogSpan[]> {
    const runId = runIdOfStream(e.streamId);
    if (runId === undefined) return [];
    let run = this.runs.get(runId);
    if (!run) {
      run = await this.rebuild(runId, e);
      if (!run) return [];
      this.runs.set(runId, run);
      if (e.type === 'RunStarted') return [];
    }
    const spans = applyRunSpans(run, e);
    if (run.ended) this.runs.delete(runId);
    return spans;
  }

  /** A run's trace before event `e`, folded from its stream (spans that ended before `e` were exported already). */
  private async rebuild(runId: string, e: AigenEvent): Promise<RunSpans | undefined> {
    const before: AigenEvent[] = [];
    if (e.streamPosition > 0) {
      for await (const x of this.store.readStream(e.streamId, { to: e.streamPosition - 1 })) before.push(x as AigenEvent);
    }
    const first = before[0] ?? e;
    if (first.type !== 'RunStarted') return undefined;
    const run = startRunSpans(first, await this.traceOf(first));
    for (const x of before.slice(1)) applyRunSpans(run, x);
    return run.ended ? undefined : run;
  }

  /** The OTel trace id of a run: its root run's, so child runs join their parent's trace. */
  private async traceOf(started: Extract<AigenEvent, { type: 'RunStarted' }>): Promise<string> {
    const rootRunId = started.metadata.rootRunId ?? started.data.runId;
    let trace = this.traces.get(rootRunId);
    if (trace !== undefined) return trace;
    trace = otelTraceId(started.data.traceId);
    if (rootRunId !== started.data.runId) {
      for await (const root of this.store.readStream(runStreamId(rootRunId), { limit: 1 })) {
        if (root.type === 'RunStarted') trace = otelTraceId((root as Extract<AigenEvent, { type: 'RunStarted' }>).data.traceId);
      }
    }
    this.traces.set(rootRunId, trace);
    if (this.traces.size > 10_000) this.traces.delete(this.traces.keys().next().value!);
    return trace;
  }

  private evict(): void {
    const max = this.options.cacheSize ?? 1000;
    for (const runId of this.runs.keys()) {
      if (this.runs.size <= max) break;
      this.runs.delete(runId);
    }
  }
}
