import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import protobuf from 'protobufjs';

/** One span as the receiver decoded it (ids as lowercase hex, attributes as plain values). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  status: { code: number; message: string };
  resource: Record<string, unknown>;
}

/** The OTLP trace request messages (opentelemetry-proto, collector/trace/v1 and trace/v1), the fields a test reads. */
const PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14; Status status = 15; fixed32 flags = 16;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;
const RequestType = protobuf.parse(PROTO, { keepCase: false }).root.lookupType('otlp.ExportTraceServiceRequest');

type Json = Record<string, unknown>;

function anyValue(v: Json | undefined): unknown {
  if (!v) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return ((v.arrayValue as { values?: Json[] }).values ?? []).map(anyValue);
  return undefined;
}

const attrs = (list: unknown): Record<string, unknown> =>
  Object.fromEntries(((list as Array<{ key: string; value?: Json }> | undefined) ?? []).map((kv) => [kv.key, anyValue(kv.value)]));

/** Ids arrive as hex (OTLP/JSON) or base64 (protobuf decoded with `bytes: String`): normalise to hex. */
const hexId = (v: unknown, length: number): string => {
  const s = typeof v === 'string' ? v : '';
  if (s === '') return '';
  if (new RegExp(`^[0-9a-fA-F]{${length}}$`).test(s)) return s.toLowerCase();
  return Buffer.from(s, 'base64').toString('hex');
};

function spansOf(request: Json): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of (request.resourceSpans as Json[] | undefined) ?? []) {
    const resource = attrs((rs.resource as Json | undefined)?.attributes);
    for (const ss of (rs.scopeSpans as Json[] | undefined) ?? []) {
      for (const s of (ss.spans as Json[] | undefined) ?? []) {
        out.push({
          traceId: hexId(s.traceId, 32),
          spanId: hexId(s.spanId, 16),
          parentSpanId: hexId(s.parentSpanId, 16),
          name: s.name as string,
          kind: Number(s.kind ?? 0),
          startNs: BigInt(s.startTimeUnixNano as string | number),
          endNs: BigInt(s.endTimeUnixNano as string | number),
          attributes: attrs(s.attributes),
          events: ((s.events as Json[] | undefined) ?? []).map((e) => ({ name: e.name as string, attributes: attrs(e.attributes) })),
          status: { code: Number((s.status as Json | undefined)?.code ?? 0), message: ((s.status as Json | undefined)?.message as string | undefined) ?? '' },
          resource,
        });
      }
    }
  }
  return out;
}

/** An OTLP/HTTP trace receiver on 127.0.0.1 (port 0): decodes JSON and protobuf requests to /v1/traces. */
export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the requests received. */
  contentTypes: string[];
  /** Authorization headers received. */
  headers: Array<Record<string, string | string[] | undefined>>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const headers: OtlpReceiver['headers'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = req.headers['content-type'] ?? '';
      contentTypes.push(type);
      headers.push(req.headers);
      try {
        if (req.url !== '/v1/traces') throw new Error(`unexpected path ${req.url}`);
        const request = type.includes('json')
          ? (JSON.parse(body.toString('utf8')) as Json)
          : RequestType.toObject(RequestType.decode(body), { longs: String, bytes: String, defaults: false });
        spans.push(...spansOf(request));
        res.writeHead(200, { 'content-type': type.includes('json') ? 'application/json' : 'application/x-protobuf' });
        res.end(type.includes('json') ? '{}' : '');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    headers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
