import type * as grpc from '@grpc/grpc-js';
import type { Expected, KurrentLog, Proposed } from './log.js';
import {
  AllStreamPosition,
  Any,
  BatchAppendResp,
  Code,
  GoogleEmpty,
  Status,
  WrongExpectedVersion,
  uuidToString,
  type BatchAppendReqT,
  type BatchAppendRespT,
} from './protocol.js';

type Options = NonNullable<ReturnType<BatchAppendReqT['getOptions']>>;

function expectedOf(o: Options): Expected {
  if (o.hasStreamPosition()) return { kind: 'revision', revision: Number(o.getStreamPosition()) };
  if (o.hasNoStream()) return { kind: 'no_stream' };
  if (o.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

interface Pending {
  options: Options | undefined;
  events: Proposed[];
}

/**
 * Streams.BatchAppend: one long-lived duplex call carrying many appends, each identified by a
 * correlation id and split over requests until `is_final`. Each append gets one response with
 * the same correlation id: success (revision and position) or a google.rpc.Status whose details
 * pack the WrongExpectedVersion. What clients use against servers that list it in their features.
 */
export function batchAppend(log: KurrentLog, record: (stream: string, expected: Expected) => void) {
  return (call: grpc.ServerDuplexStream<BatchAppendReqT, BatchAppendRespT>) => {
    const pending = new Map<string, Pending>();
    call.on('error', () => undefined);
    call.on('end', () => call.end());
    call.on('data', (req: BatchAppendReqT) => {
      const id = uuidToString(req.getCorrelationId());
      const p = pending.get(id) ?? { options: undefined, events: [] };
      pending.set(id, p);
      p.options ??= req.getOptions();
      for (const m of req.getProposedMessagesList()) {
        const meta = m.getMetadataMap();
        p.events.push({
          eventId: uuidToString(m.getId()),
          type: meta.get('type') ?? '',
          contentType: meta.get('content-type') ?? 'application/octet-stream',
          data: m.getData_asU8(),
          customMetadata: m.getCustomMetadata_asU8(),
        });
      }
      if (!req.getIsFinal()) return;
      pending.delete(id);
      const options = p.options;
      const resp = new BatchAppendResp().setCorrelationId(req.getCorrelationId());
      if (!options) {
        resp.setError(new Status().setCode(Code.INVALID_ARGUMENT).setMessage('batch append without options'));
        call.write(resp);
        return;
      }
      const identifier = options.getStreamIdentifier();
      const stream = Buffer.from(identifier?.getStreamName_asU8() ?? []).toString('utf8');
      const expected = expectedOf(options);
      record(stream, expected);
      resp.setStreamIdentifier(identifier);
      if (expected.kind === 'revision') resp.setStreamPosition(String(expected.revision));
      else if (expected.kind === 'no_stream') resp.setNoStream(new GoogleEmpty());
      else if (expected.kind === 'stream_exists') resp.setStreamExists(new GoogleEmpty());
      else resp.setAny(new GoogleEmpty());
      const outcome = log.append(stream, expected, p.events);
      if (outcome.kind === 'success') {
        const ok = new BatchAppendResp.Success();
        if (outcome.lastRevision < 0) ok.setNoStream(new GoogleEmpty());
        else ok.setCurrentRevision(String(outcome.lastRevision));
        if (outcome.position === undefined) ok.setNoPosition(new GoogleEmpty());
        else ok.setPosition(new AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
        resp.setSuccess(ok);
      } else {
        const w = new WrongExpectedVersion();
        if (outcome.current === undefined) w.setCurrentNoStream(new GoogleEmpty());
        else w.setCurrentStreamRevision(String(outcome.current));
        if (expected.kind === 'revision') w.setExpectedStreamPosition(String(expected.revision));
        else if (expected.kind === 'no_stream') w.setExpectedNoStream(new GoogleEmpty());
        else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new GoogleEmpty());
        else w.setExpectedAny(new GoogleEmpty());
        const details = new Any();
        details.pack(w.serializeBinary(), 'event_store.client.WrongExpectedVersion');
        resp.setError(new Status().setCode(Code.FAILED_PRECONDITION).setMessage('WrongExpectedVersion').setDetails(details));
      }
      call.write(resp);
    });
  };
}
