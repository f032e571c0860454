import {
  addTraceProcessor,
  setTraceProcessors,
  setTracingDisabled,
  type Span,
  type Trace,
  type TracingProcessor,
} from '@openai/agents';
import type { Recorder } from './recorder.js';
import { toJson } from './recordingModel.js';

/**
 * The recorder of each run's SDK trace, by trace id. Process-wide because the SDK's tracing is:
 * `@openai/agents` has one list of trace processors per process, so the one processor installed
 * here routes each finished span to the run whose trace it belongs to.
 */
const recorders = new Map<string, Recorder>();

/** Records every finished `@openai/agents` span of a registered trace as a SpanRecorded event. */
class SpanRecordingProcessor implements TracingProcessor {
  onTraceStart(_trace: Trace): Promise<void> {
    return Promise.resolve();
  }
  onTraceEnd(_trace: Trace): Promise<void> {
    return Promise.resolve();
  }
  onSpanStart(_span: Span<never>): Promise<void> {
    return Promise.resolve();
  }
  onSpanEnd(span: Span<never>): Promise<void> {
    const recorder = recorders.get(span.traceId);
    if (!recorder || recorder.error) return Promise.resolve();
    const json = span.toJSON() as {
      id: string;
      trace_id: string;
      parent_id: string | null;
      started_at: string | null;
      ended_at: string | null;
      span_data: { type?: string; name?: string } & Record<string, unknown>;
      error: unknown;
    } | null;
    if (!json) return Promise.resolve();
    const data = json.span_data ?? {};
    recorder.record('SpanRecorded', {
      traceId: json.trace_id,
      spanId: json.id,
      parentId: json.parent_id ?? null,
      spanType: String(data.type ?? 'custom'),
      name: String(data.name ?? data.type ?? 'span'),
      startedAt: json.started_at ?? null,
      endedAt: json.ended_at ?? null,
      data: toJson({ ...data, ...(json.error ? { error: json.error } : {}) }),
    });
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

let installed = false;

/**
 * Install the span recorder once per process. The SDK's OpenAI trace exporter stays on beside
 * it when `OPENAI_API_KEY` is set for OpenAI itself (no `OPENAI_BASE_URL` pointing elsewhere)
 * and `AIGEN_TRACE_EXPORT` is not `0`; otherwise it is removed, so nothing tries to export.
 */
export function installSpanRecorder(env: NodeJS.ProcessEnv = process.env): void {
  if (installed) return;
  installed = true;
  const processor = new SpanRecordingProcessor();
  const openaiItself = !env.OPENAI_BASE_URL || /^https:\/\/api\.openai\.com\b/.test(env.OPENAI_BASE_URL);
  const exportOn = Boolean(env.OPENAI_API_KEY) && openaiItself && env.AIGEN_TRACE_EXPORT !== '0';
  if (exportOn) addTraceProcessor(processor);
  else setTraceProcessors([processor]);
  // The SDK turns tracing off under NODE_ENV=test; spans are recorded locally, so keep it on
  // unless the user turned it off explicitly.
  const off = env.OPENAI_AGENTS_DISABLE_TRACING;
  setTracingDisabled(off === '1' || off?.toLowerCase() === 'true');
}

/** Route spans of `traceId` to a run's recorder until the returned function is called. */
export function routeSpans(traceId: string, recorder: Recorder): () => void {
  recorders.set(traceId, recorder);
  return () => {
    recorders.delete(traceId);
  };
}
