import { randomUUID } from 'node:crypto';
import { channelKey, DeltaBus, type PartialOutput } from '../journal/deltas.js';
import type { EventStore } from '../store/eventStore.js';
import type { PartialTextChannel, StoredPartial } from '../store/partials.js';

/** How often a writer stores the text of its calls in flight (each write carries all the text so far). */
const FLUSH_MS = 50;
/** How many times in a row a failed delete of ended calls' rows is retried (one flush interval apart). */
const MAX_REMOVE_RETRIES = 20;
/** Partial text older than this is from a call whose writer died: not shown. */
const MAX_AGE_MS = 5 * 60_000;

function stored(p: PartialOutput, writer: string, now: number): StoredPartial {
  return {
    runId: p.runId, callId: p.callId, channel: p.toolCall?.id ?? '', stepId: p.stepId, agentId: p.agentId,
    ...(p.toolCall?.name !== undefined ? { toolName: p.toolCall.name } : {}), text: p.text, writer, updatedAt: now,
  };
}

/**
 * The live text of model calls of one engine (its delta bus), and its way across processes: the
 * deltas of the calls this engine makes are copied into the store's partial text channel, and
 * readers follow the other writers' rows from there (SQLite, PostgreSQL; the memory store keeps
 * them within the engine). The engine publishes on {@link bus}; `engine.stream`, the HTTP server
 * and `aigen run --stream` read it.
 * @example
 * ```ts
 * const deltas = new LiveDeltas(store);
 * const { stop, ready } = deltas.follow(); // other processes' calls under way, while followed
 * deltas.bus.deltas$.subscribe(({ delta }) => process.stdout.write(delta.text));
 * ```
 */
export class LiveDeltas {
  readonly bus = new DeltaBus();
  /** This engine as the writer of partial text rows (readers skip their own). */
  readonly writer = randomUUID();
  private exporting = false;
  private readonly follower: Follower = { readers: 0, ready: Promise.resolve() };

  constructor(readonly store: EventStore) {}

  /** Copy this engine's deltas into the store's partial text channel from now on (once). */
  exportToStore(): void {
    const channel = this.store.partials;
    if (!channel || this.exporting) return;
    this.exporting = true;
    exportDeltas(this.bus, channel, this.writer);
  }

  /**
   * Follow the deltas other writers publish through the store into {@link bus}. Readers share one
   * poll. Returns the function that stops following, and a promise that resolves once the calls
   * in flight elsewhere are known.
   */
  follow(): { stop: () => void; ready: Promise<void> } {
    const channel = this.store.partials;
    if (!channel) return { stop: () => undefined, ready: Promise.resolve() };
    const follower = this.follower;
    follower.readers += 1;
    if (follower.readers === 1) {
      let polled!: () => void;
      follower.ready = new Promise<void>((resolve) => (polled = resolve));
      follower.stop = poll(this.bus, channel, this.writer, polled);
    }
    let stopped = false;
    return {
      ready: follower.ready,
      stop: () => {
        if (stopped) return;
        stopped = true;
        follower.readers -= 1;
        if (follower.readers === 0) {
          follower.stop?.();
          follower.stop = undefined;
        }
      },
    };
  }
}

/**
 * Copy the deltas of this process's model calls into the store's partial text table, so readers
 * in other processes see them: at most one write in flight and one every {@link FLUSH_MS}, each
 * carrying the latest text of the calls that changed; a call's rows are deleted once it ends.
 * Failures to write are ignored: the model call never waits for, or fails because of, a reader.
 */
function exportDeltas(bus: DeltaBus, channel: PartialTextChannel, writer: string): void {
  const dirty = new Map<string, PartialOutput>();
  const written = new Set<string>();
  let ended: { runId: string; callId: string }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let flushing = false;
  let removeFailures = 0;

  const schedule = () => {
    if (timer || flushing) return;
    timer = setTimeout(() => void flush(), FLUSH_MS);
    timer.unref();
  };
  const flush = async () => {
    timer = undefined;
    flushing = true;
    const now = Date.now();
    const puts = [...dirty.values()].map((p) => stored(p, writer, now));
    dirty.clear();
    // From here on the call may have rows in the store: its end must delete them.
    for (const p of puts) written.add(`${p.runId}\u0000${p.callId}`);
    const ends = ended;
    ended = [];
    try {
      if (puts.length > 0) await channel.put(puts);
    } catch {
      // Locked, closing or unreachable: readers elsewhere miss some live text, nothing more.
    }
    try {
      if (ends.length > 0) await channel.remove(ends);
    } catch {
      // Try again a few times, so an ended call does not linger as "in flight" elsewhere.
      if (removeFailures++ < MAX_REMOVE_RETRIES) ended.push(...ends);
    }
    if (ends.length > 0 && ended.length === 0) removeFailures = 0;
    flushing = false;
    if (dirty.size > 0 || ended.length > 0) schedule();
  };

  bus.deltas$.subscribe(({ delta, origin }) => {
    if (origin !== 'local') return;
    const key = channelKey(delta);
    const partial = bus.partial(key);
    if (!partial) return;
    dirty.set(key, partial);
    schedule();
  });
  bus.ended$.subscribe(({ runId, callId }) => {
    const call = `${runId}\u0000${callId}`;
    for (const key of [...dirty.keys()]) if (key.startsWith(`${call}\u0000`)) dirty.delete(key);
    // A call that ended before any write of its text (a fast answer) left no rows: nothing to delete.
    if (!written.delete(call)) return;
    // Delete at once (not after the flush interval): the process may be about to exit, and the
    // store's channel orders the delete after any write of this call in flight, and its close after both.
    channel.remove([{ runId, callId }]).catch(() => {
      ended.push({ runId, callId });
      schedule();
    });
  });
}

interface Follower {
  readers: number;
  stop?: () => void;
  /** Resolves after the first poll. */
  ready: Promise<void>;
}

/** Poll the partial text table into the bus while anyone reads; returns the stop function. */
function poll(bus: DeltaBus, channel: PartialTextChannel, writer: string, polled: () => void): () => void {
  let seen = new Map<string, { runId: string; callId: string; writer: string }>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    let rows: StoredPartial[] | undefined;
    try {
      rows = await channel.list(MAX_AGE_MS);
    } catch {
      // The store did not answer (closing, restarting): try again later; nothing ended meanwhile.
    }
    if (stopped) return;
    if (rows === undefined) {
      timer = setTimeout(() => void tick(), channel.pollIntervalMs);
      timer.unref();
      return;
    }
    const now = new Map<string, { runId: string; callId: string; writer: string }>();
    for (const r of rows) {
      if (r.writer === writer) continue;
      const call = `${r.runId}\u0000${r.callId}`;
      const before = seen.get(call);
      // Another process took the call over (a resume after a crash): its text starts over.
      if (before !== undefined && before.writer !== r.writer) bus.begin(r.runId, r.callId);
      now.set(call, { runId: r.runId, callId: r.callId, writer: r.writer });
      const toolCall = r.channel === '' ? undefined : { id: r.channel, ...(r.toolName !== undefined ? { name: r.toolName } : {}) };
      bus.publish({ runId: r.runId, stepId: r.stepId, callId: r.callId, agentId: r.agentId, text: r.text, index: 0, ...(toolCall ? { toolCall } : {}) }, 'remote');
    }
    // A row that went away: its call ended (its answer is recorded) in the writing process.
    for (const [key, call] of seen) if (!now.has(key)) bus.end(call.runId, call.callId);
    seen = now;
    polled();
    timer = setTimeout(() => void tick(), channel.pollIntervalMs);
    timer.unref();
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
    for (const call of seen.values()) bus.forget(call.runId, call.callId);
  };
}
