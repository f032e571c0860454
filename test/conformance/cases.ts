/**
 * Titles of the conformance cases. A harness that cannot pass one lists its title in
 * `unsupported` (e.g. `{ [CASES.durability]: 'memory does not persist' }`); the suite then
 * reports it as skipped with the reason in the title.
 */
export const CASES = {
  anyVersion: "expectedVersion 'any' appends to a missing stream and to an existing one",
  noStreamOk: "expectedVersion 'no_stream' succeeds on a missing stream",
  noStreamConflict: "expectedVersion 'no_stream' on an existing stream throws ConcurrencyError (expected, actual) and writes nothing",
  existsOk: "expectedVersion 'stream_exists' succeeds on an existing stream",
  existsConflict: "expectedVersion 'stream_exists' on a missing stream throws ConcurrencyError (actual no_stream) and writes nothing",
  exactOk: 'an exact expectedVersion equal to the last stream position succeeds',
  exactStale: 'a stale exact expectedVersion throws ConcurrencyError (expected, actual) and writes none of the events',
  exactMissing: 'an exact expectedVersion on a missing stream throws ConcurrencyError (actual no_stream)',
  idempotent: 're-appending the same event ids at the same positions is a no-op returning the original result',
  dupElsewhere: 'event ids stored in another stream are rejected with DuplicateEventIdError and nothing is written',
  dupOtherPositions: 'event ids stored at other positions of the same stream are rejected with DuplicateEventIdError',
  gapFree: "stream positions are gap-free from 0 and the global order agrees with each stream's order",
  envelope: 'read events carry the envelope: id, stream, positions, type, data and metadata',
  readForwards: 'readStream forwards honours from, to and limit',
  readBackwards: 'readStream backwards honours from, to and limit',
  readAllFromLimit: 'readAll from a position starts after it, and limit caps the count',
  readAllFilters: 'readAll filters by streamPrefix (taken literally) and by types, also combined',
  readAllEnvelopeOnly: 'readAll gives the events of envelope-only types without their payload, in place, and decodes every other event',
  paging: 'readStream and readAll page across more than 500 events',
  missingStream: 'a missing stream yields nothing and its streamVersion is undefined',
  head: 'headPosition is undefined for an empty store, then the position of the newest event',
  groupCommit: 'appends to different streams issued in the same tick: one conflicts or duplicates alone, the others succeed',
  groupSameStream: 'appends to the same stream issued in the same tick see each other in order',
  concurrentWriters:
    '8 concurrent writers x 500 events: subscribers started before, halfway and after each see every event exactly once in the same global order',
  subscribeStream: 'subscribe({ streamId }) catches up and goes live with that stream only',
  subscribeEnd: "subscribe from 'end' delivers only events appended after it",
  subscribePosition: 'subscribe from a position delivers the events after it, then live ones',
  subscribeFilter: 'subscribe with a filter delivers only matching streams and types',
  subscribeCloses: 'a subscription completes when the store closes',
  durability: 'every event acknowledged to a child process killed with SIGKILL is present and intact on reopen',
  badBigInt: 'data with a BigInt in a json field is rejected naming the type and field, nothing written',
  badCircular: 'data with a circular object is rejected as not JSON-serialisable, nothing written',
  badMetadata: 'metadata that is not JSON-serialisable is rejected naming the type, nothing written',
  badSchema: 'an event failing its schema is rejected naming the type and field path, nothing written',
  badType: 'an event of an unknown type is rejected naming the type, nothing written',
  badSize: 'an event over 16 MiB is rejected with EventTooLargeError naming the type and the limit, nothing written',
  largeEvent: 'events of 3 MiB and of nearly 16 MiB (multi-byte text) are stored and read back intact, also by a subscriber',
  badStreamId: 'an empty stream id is rejected with a ValidationError, nothing written',
  corruptJson: 'a planted row with invalid JSON: CorruptEventError names its position, earlier events are delivered, the store keeps working',
  corruptType: 'a planted row of an unknown type: CorruptEventError names its position, earlier events are delivered, the store keeps working',
  corruptSchema: 'a planted row failing its schema: CorruptEventError names its position and field, the store keeps working',
} as const;

export type CaseTitle = (typeof CASES)[keyof typeof CASES];
