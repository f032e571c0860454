import type { EventStore } from '../../store/eventStore.js';
import { openCheckpointStore } from '../checkpoints.js';
import { LogSpanExporter } from './logExporter.js';
import { otlpEnabled } from './enabled.js';

export { LogSpanExporter, type LogSpanExporterOptions, type SpanSink } from './logExporter.js';
export { otlpEnabled } from './enabled.js';
export type { OtlpSink } from './otlp.js';
export { applyRunSpans, endedSpans, otelSpanId, otelTraceId, runSpanId, startRunSpans, type LogSpan, type RunSpans } from './spans.js';

/** A running OTel export: `stop()` exports what the log holds by then, then flushes and closes. */
export interface TraceExport {
  readonly exporter: LogSpanExporter;
  readonly protocol: string;
  stop(): Promise<void>;
}

/**
 * Export the store's runs as OTel traces while this process lives, when the environment asks for
 * it ({@link otlpEnabled}); undefined otherwise. `stop()` catches up with the log first, so a
 * process that ends after its run exports that run completely.
 * @example
 * ```ts
 * const otel = await startTraceExport('sqlite:.aigen/aigen.db', store, process.env);
 * // … runs …
 * await otel?.stop();
 * ```
 */
export async function startTraceExport(
  storeUrl: string,
  store: EventStore,
  env: NodeJS.ProcessEnv,
  onError?: (error: unknown) => void,
): Promise<TraceExport | undefined> {
  if (!otlpEnabled(env)) return undefined;
  // The OTel packages load only when export is on.
  const { createOtlpSink } = await import('./otlp.js');
  const otlp = await createOtlpSink(env);
  const checkpoints = await openCheckpointStore(storeUrl, store);
  const exporter = new LogSpanExporter(store, checkpoints, otlp.sink, onError ? { onError } : {});
  exporter.start();
  return {
    exporter,
    protocol: otlp.protocol,
    async stop() {
      await exporter.stop();
      try {
        await exporter.catchUp();
      } catch (err) {
        onError?.(err);
      }
      await otlp.shutdown().catch((err: unknown) => onError?.(err));
      await checkpoints.close();
    },
  };
}
