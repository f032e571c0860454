import type { HrTime, SpanContext } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ValidationError } from '../../errors.js';
import type { SpanSink } from './logExporter.js';
export { otlpEnabled } from './enabled.js';
import type { LogSpan } from './spans.js';

/** An OTLP span sink and how to flush and close it. */
export interface OtlpSink {
  sink: SpanSink;
  /** `http/protobuf` or `http/json`. */
  protocol: string;
  shutdown(): Promise<void>;
}

const hr = (iso: string): HrTime => {
  const ms = Date.parse(iso);
  return [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
};

/** Key=value pairs of OTEL_RESOURCE_ATTRIBUTES (percent-decoded). */
function resourceAttributes(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    out[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim());
  }
  return out;
}

/**
 * The OTLP/HTTP exporter of the official `@opentelemetry/exporter-trace-otlp-*` packages, as a
 * span sink. They read the standard variables themselves (endpoint, headers, timeout); the protocol
 * is `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL` (default `http/protobuf`),
 * the service name `OTEL_SERVICE_NAME` (default `aigen`). `grpc` is refused with a ValidationError.
 * @example
 * ```ts
 * const otlp = await createOtlpSink(process.env);
 * await otlp.sink(spans); await otlp.shutdown();
 * ```
 */
export async function createOtlpSink(env: NodeJS.ProcessEnv): Promise<OtlpSink> {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  let exporter: SpanExporter;
  if (protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter();
  } else if (protocol === 'http/protobuf') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    exporter = new OTLPTraceExporter();
  } else {
    throw new ValidationError(`OTEL_EXPORTER_OTLP_PROTOCOL '${protocol}' is not supported; use http/protobuf or http/json`, {
      path: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    });
  }
  const resource = resourceFromAttributes({
    ...resourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES),
    [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || resourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES)['service.name'] || 'aigen',
  });
  const scope = { name: 'aigen' };
  const toReadable = (s: LogSpan): ReadableSpan => {
    const context: SpanContext = { traceId: s.traceId, spanId: s.spanId, traceFlags: TraceFlags.SAMPLED };
    const start = hr(s.startedAt);
    const end = hr(s.endedAt);
    const ms = Math.max(0, Date.parse(s.endedAt) - Date.parse(s.startedAt));
    return {
      name: s.name,
      kind: s.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
      spanContext: () => context,
      parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED } : undefined,
      startTime: start,
      endTime: end,
      status: {
        code: s.status.code === 'ok' ? SpanStatusCode.OK : s.status.code === 'error' ? SpanStatusCode.ERROR : SpanStatusCode.UNSET,
        ...(s.status.message !== undefined ? { message: s.status.message } : {}),
      },
      attributes: s.attributes,
      links: [],
      events: s.events.map((ev) => ({ name: ev.name, time: hr(ev.at), attributes: ev.attributes })),
      duration: [Math.floor(ms / 1000), (ms % 1000) * 1_000_000],
      ended: true,
      resource,
      instrumentationScope: scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  };
  return {
    protocol,
    sink: (spans) =>
      new Promise<void>((resolve, reject) => {
        exporter.export(spans.map(toReadable), (result) => {
          if (result.code === ExportResultCode.SUCCESS) resolve();
          else reject(result.error ?? new Error('OTLP export failed'));
        });
      }),
    shutdown: () => exporter.shutdown(),
  };
}
