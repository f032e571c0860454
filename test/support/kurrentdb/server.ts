/**
 * A protocol-level KurrentDB test double: a gRPC server built from the service definitions that
 * `@kurrent/kurrentdb-client` ships, speaking the Streams (Append, Read incl. subscriptions),
 * Gossip and ServerFeatures services with KurrentDB's documented semantics. Test fixture only.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { batchAppend } from './batchAppend.js';
import { recordFilter, type RecordFilter } from './filter.js';
import { KurrentLog, type Expected, type LogRecord, type Proposed } from './log.js';
import type {
  AppendReq} from './protocol.js';
import {
  AppendResp,
  ClusterInfo,
  Empty,
  EndPoint,
  GossipService,
  MemberInfo,
  ReadReq,
  ReadResp,
  ServerFeaturesService,
  StreamIdentifier,
  StreamsService,
  SupportedMethod,
  SupportedMethods,
  Timestamp,
  uuidMessage,
  uuidToString,
  type AppendReqT,
  type AppendRespT,
  type ReadReqT,
  type ReadRespT,
} from './protocol.js';

type ReadCall = grpc.ServerWritableStream<ReadReqT, ReadRespT>;

/** Options of {@link startKurrentDouble}. */
export interface DoubleOptions {
  port?: number;
  host?: string;
  /**
   * Offer Streams.BatchAppend in the server features (default true), as servers since 21.10 do:
   * clients then append through it. Off, they use the unary-per-append Streams.Append.
   */
  batchAppend?: boolean;
}

/** A running double. */
export interface KurrentDouble {
  /** The connection string, e.g. `kurrentdb://127.0.0.1:40123?tls=false`. */
  url: string;
  port: number;
  log: KurrentLog;
  /** Every append request received: the stream and the expected state the client sent. */
  appends: Array<{ stream: string; expected: Expected; via: 'append' | 'batchAppend' }>;
  /** End every open subscription with UNAVAILABLE, as a server restart or a dropped connection does. */
  dropSubscriptions(): number;
  /** How many times a client asked for the cluster's members (Gossip.Read). */
  gossipReads(): number;
  /** Subscriptions currently open. */
  subscriptionCount(): number;
  /** Write an event exactly as given, bypassing any client (for corrupt-event tests). */
  plant(stream: string, event: { type: string; data: string; metadata: string }): LogRecord;
  close(): Promise<void>;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const streamName = (id: InstanceType<typeof StreamIdentifier> | undefined) => Buffer.from(id?.getStreamName_asU8() ?? []).toString('utf8');

function expectedOf(o: InstanceType<typeof AppendReq.Options>): Expected {
  if (o.hasRevision()) return { kind: 'revision', revision: Number(o.getRevision()) };
  if (o.hasNoStream()) return { kind: 'no_stream' };
  if (o.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function eventMessage(r: LogRecord, asString: boolean): ReadRespT {
  const e = new ReadResp.ReadEvent.RecordedEvent();
  e.setId(uuidMessage(r.eventId, asString));
  e.setStreamIdentifier(new StreamIdentifier().setStreamName(utf8(r.stream)));
  e.setStreamRevision(String(r.revision));
  e.setPreparePosition(r.position.toString());
  e.setCommitPosition(r.position.toString());
  const meta = e.getMetadataMap();
  meta.set('type', r.type);
  meta.set('content-type', r.contentType);
  meta.set('created', r.created.toString());
  e.setCustomMetadata(r.customMetadata);
  e.setData(r.data);
  const read = new ReadResp.ReadEvent().setEvent(e).setCommitPosition(r.position.toString());
  return new ReadResp().setEvent(read);
}

function now(): InstanceType<typeof Timestamp> {
  return Timestamp.fromDate(new Date());
}

/** Start a double on 127.0.0.1 (port 0: any free port). */
export async function startKurrentDouble(options: DoubleOptions = {}): Promise<KurrentDouble> {
  const log = new KurrentLog();
  // A fresh server already holds system events (here: the metadata of $scavenges); readers of $all see them.
  log.append('$$$scavenges', { kind: 'any' }, [
    { eventId: randomUUID(), type: '$metadata', contentType: 'application/json', data: utf8('{"$maxAge":2592000}'), customMetadata: new Uint8Array() },
  ]);
  const subscriptions = new Set<ReadCall>();
  const appends: KurrentDouble['appends'] = [];
  const server = new grpc.Server();
  const host = options.host ?? '127.0.0.1';

  const append = (call: grpc.ServerReadableStream<AppendReqT, AppendRespT>, done: grpc.sendUnaryData<AppendRespT>) => {
    let stream = '';
    let expected: Expected = { kind: 'any' };
    const events: Proposed[] = [];
    call.on('data', (req: AppendReqT) => {
      const o = req.getOptions();
      if (o) {
        stream = streamName(o.getStreamIdentifier());
        expected = expectedOf(o);
        return;
      }
      const m = req.getProposedMessage();
      if (!m) return;
      const meta = m.getMetadataMap();
      events.push({
        eventId: uuidToString(m.getId()),
        type: meta.get('type') ?? '',
        contentType: meta.get('content-type') ?? 'application/octet-stream',
        data: m.getData_asU8(),
        customMetadata: m.getCustomMetadata_asU8(),
      });
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (stream === '') return done({ code: grpc.status.INVALID_ARGUMENT, details: 'append without a stream' });
      appends.push({ stream, expected, via: 'append' });
      const outcome = log.append(stream, expected, events);
      const resp = new AppendResp();
      if (outcome.kind === 'success') {
        const ok = new AppendResp.Success();
        if (outcome.lastRevision < 0) ok.setNoStream(new Empty());
        else ok.setCurrentRevision(String(outcome.lastRevision));
        if (outcome.position === undefined) ok.setNoPosition(new Empty());
        else ok.setPosition(new AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
        resp.setSuccess(ok);
      } else {
        const w = new AppendResp.WrongExpectedVersion();
        if (outcome.current === undefined) w.setCurrentNoStream(new Empty());
        else w.setCurrentRevision(String(outcome.current));
        if (expected.kind === 'revision') w.setExpectedRevision(String(expected.revision));
        else if (expected.kind === 'no_stream') w.setExpectedNoStream(new Empty());
        else if (expected.kind === 'stream_exists') w.setExpectedStreamExists(new Empty());
        else w.setExpectedAny(new Empty());
        resp.setWrongExpectedVersion(w);
      }
      done(null, resp);
    });
  };

  const read = (call: ReadCall) => {
    const o = call.request.getOptions();
    if (!o) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'read without options' });
      return;
    }
    const asString = o.getUuidOption()?.hasString() ?? false;
    const forwards = o.getReadDirection() === ReadReq.Options.ReadDirection.FORWARDS;
    const filter = recordFilter(o.hasFilter() ? o.getFilter() : undefined);
    if (o.hasSubscription()) return subscribe(call, o, filter, asString);
    let count = o.hasCount() ? Number(BigInt(o.getCount()) > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : o.getCount()) : Number.MAX_SAFE_INTEGER;
    const out: LogRecord[] = [];
    const s = o.getStream();
    if (s) {
      const rows = log.stream(streamName(s.getStreamIdentifier()));
      if (!rows) {
        call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(s.getStreamIdentifier())));
        call.end();
        return;
      }
      if (forwards) {
        const from = s.hasStart() ? 0 : s.hasEnd() ? rows.length : Number(s.getRevision());
        for (let i = from; i < rows.length && count > 0; i++, count--) out.push(rows[i]!);
      } else {
        const from = s.hasStart() ? 0 : s.hasEnd() ? rows.length - 1 : Math.min(Number(s.getRevision()), rows.length - 1);
        for (let i = from; i >= 0 && count > 0; i--, count--) out.push(rows[i]!);
      }
    } else {
      const a = o.getAll();
      const records = log.records;
      const pos = a?.getPosition();
      if (forwards) {
        const from = a?.hasEnd() ? records.length : pos ? log.indexAtOrAfter(BigInt(pos.getCommitPosition())) : 0;
        for (let i = from; i < records.length && count > 0; i++) {
          if (filter && !filter.matches(records[i]!)) continue;
          out.push(records[i]!);
          count--;
        }
      } else {
        // Backwards from a position reads the events before it.
        const from = a?.hasStart() ? -1 : pos ? log.indexAtOrAfter(BigInt(pos.getCommitPosition())) - 1 : records.length - 1;
        for (let i = from; i >= 0 && count > 0; i--) {
          if (filter && !filter.matches(records[i]!)) continue;
          out.push(records[i]!);
          count--;
        }
      }
    }
    for (const r of out) call.write(eventMessage(r, asString));
    call.end();
  };

  const subscribe = (call: ReadCall, o: InstanceType<typeof ReadReq.Options>, filter: RecordFilter | undefined, asString: boolean) => {
    subscriptions.add(call);
    call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    const s = o.getStream();
    const name = s ? streamName(s.getStreamIdentifier()) : undefined;
    // The next record to consider: an index into the stream (revision) or into $all.
    let next: number;
    if (s) next = s.hasStart() ? 0 : s.hasEnd() ? log.lastRevision(name!) + 1 : Number(s.getRevision()) + 1;
    else {
      const a = o.getAll();
      const pos = a?.getPosition();
      if (a?.hasEnd()) next = log.records.length;
      else if (pos) {
        // Subscribing from a position delivers what comes after it.
        const p = BigInt(pos.getCommitPosition());
        next = log.indexAtOrAfter(p);
        if (log.records[next]?.position === p) next += 1;
      } else next = 0;
    }
    let caughtUp = false;
    let scanned = 0;
    let closed = false;
    const pump = () => {
      if (closed) return;
      const source = name !== undefined ? (log.stream(name) ?? []) : log.records;
      while (next < source.length) {
        const r = source[next++]!;
        scanned++;
        if (!filter || filter.matches(r)) call.write(eventMessage(r, asString));
        else if (scanned % filter.checkpointEvery === 0) {
          const cp = new ReadResp.Checkpoint().setCommitPosition(r.position.toString()).setPreparePosition(r.position.toString());
          call.write(new ReadResp().setCheckpoint(cp.setTimestamp(now())));
        }
      }
      if (!caughtUp) {
        caughtUp = true;
        const c = new ReadResp.CaughtUp().setTimestamp(now());
        const last = source[source.length - 1];
        if (name !== undefined) {
          if (last) c.setStreamRevision(String(last.revision));
        } else if (last) c.setPosition(new ReadResp.Position().setCommitPosition(last.position.toString()).setPreparePosition(last.position.toString()));
        call.write(new ReadResp().setCaughtUp(c));
      }
    };
    const stop = log.onWrite(pump);
    const close = () => {
      closed = true;
      stop();
      subscriptions.delete(call);
    };
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
    pump();
  };

  server.addService(StreamsService, {
    read,
    append,
    delete: (_: unknown, done: grpc.sendUnaryData<never>) => done({ code: grpc.status.UNIMPLEMENTED }),
    tombstone: (_: unknown, done: grpc.sendUnaryData<never>) => done({ code: grpc.status.UNIMPLEMENTED }),
    batchAppend: batchAppend(log, (stream, expected) => appends.push({ stream, expected, via: 'batchAppend' })),
  });

  let port = 0;
  let gossipReads = 0;
  server.addService(GossipService, {
    read: (_: unknown, done: grpc.sendUnaryData<InstanceType<typeof ClusterInfo>>) => {
      gossipReads++;
      const member = new MemberInfo()
        .setInstanceId(uuidMessage('6e3e0000-0000-4000-8000-000000000001', true))
        .setTimeStamp(String(BigInt(Date.now()) * 10_000n))
        .setState(MemberInfo.VNodeState.LEADER)
        .setIsAlive(true)
        .setHttpEndPoint(new EndPoint().setAddress(host).setPort(port));
      done(null, new ClusterInfo().setMembersList([member]));
    },
  });
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (_: unknown, done: grpc.sendUnaryData<InstanceType<typeof SupportedMethods>>) => {
      const methods = [
        ['event_store.client.streams.streams', 'read'],
        ['event_store.client.streams.streams', 'append'],
        ...(options.batchAppend === false ? [] : [['event_store.client.streams.streams', 'batchappend']]),
        ['event_store.client.gossip.gossip', 'read'],
      ].map(([service, method]) => new SupportedMethod().setServiceName(service!).setMethodName(method!));
      done(null, new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('24.10.0'));
    },
  });

  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );

  return {
    url: `kurrentdb://${host}:${port}?tls=false`,
    port,
    log,
    appends,
    dropSubscriptions: () => {
      const open = [...subscriptions];
      for (const call of open) call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'subscription dropped by the server' });
      return open.length;
    },
    subscriptionCount: () => subscriptions.size,
    gossipReads: () => gossipReads,
    plant: (stream, event) => {
      log.append(stream, { kind: 'any' }, [
        { eventId: randomUUID(), type: event.type, contentType: 'application/json', data: utf8(event.data), customMetadata: utf8(event.metadata) },
      ]);
      const rows = log.stream(stream)!;
      return rows[rows.length - 1]!;
    },
    close: () => {
      // Like a server going away: open calls (subscriptions, the batch-append stream) are cut.
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}
