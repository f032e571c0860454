/**
 * The generated gRPC service definitions and messages that `@kurrent/kurrentdb-client` ships,
 * loaded for the KurrentDB test double (the same definitions the client speaks).
 */
import gossipGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_grpc_pb.js';
import gossip from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/gossip_pb.js';
import featuresGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb.js';
import features from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb.js';
import shared from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import streams from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';
import status from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb.js';
import code from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/code_pb.js';
import any from 'google-protobuf/google/protobuf/any_pb.js';
import empty from 'google-protobuf/google/protobuf/empty_pb.js';
import timestamp from 'google-protobuf/google/protobuf/timestamp_pb.js';

export const { StreamsService } = streamsGrpc;
export const { GossipService } = gossipGrpc;
export const { ServerFeaturesService } = featuresGrpc;
export const { ReadReq, ReadResp, AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } = streams;
export const { ClusterInfo, MemberInfo, EndPoint } = gossip;
export const { SupportedMethods, SupportedMethod } = features;
export const { UUID, Empty, StreamIdentifier, AllStreamPosition, WrongExpectedVersion } = shared;
export const { Timestamp } = timestamp;
export const { Any } = any;
/** google.protobuf.Empty (some newer messages use it instead of the protocol's own Empty). */
export const GoogleEmpty = empty.Empty;
export const { Status } = status;
export const { Code } = code;

export type ReadReqT = InstanceType<typeof ReadReq>;
export type ReadRespT = InstanceType<typeof ReadResp>;
export type AppendReqT = InstanceType<typeof AppendReq>;
export type AppendRespT = InstanceType<typeof AppendResp>;
export type BatchAppendReqT = InstanceType<typeof BatchAppendReq>;
export type BatchAppendRespT = InstanceType<typeof BatchAppendResp>;
export type FilterOptionsT = InstanceType<typeof ReadReq.Options.FilterOptions>;
export type UUIDT = InstanceType<typeof UUID>;

/** A UUID message as a string: the client sends either form. */
export function uuidToString(id: UUIDT | undefined): string {
  if (!id) return '';
  if (id.hasString()) return id.getString();
  const s = id.getStructured();
  if (!s) return '';
  const hex = (v: string) => BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
  const h = hex(s.getMostSignificantBits()) + hex(s.getLeastSignificantBits());
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A UUID message in the form the reader asked for (`structured` unless it asked for strings). */
export function uuidMessage(id: string, asString: boolean): UUIDT {
  const m = new UUID();
  if (asString) return m.setString(id);
  const h = id.replace(/-/g, '');
  const signed = (hex: string) => BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
  const s = new UUID.Structured();
  s.setMostSignificantBits(signed(h.slice(0, 16)));
  s.setLeastSignificantBits(signed(h.slice(16)));
  return m.setStructured(s);
}
