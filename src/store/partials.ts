/**
 * The text so far of one in-flight model call channel (its output text, or one tool call's
 * arguments), as a store keeps it for readers in other processes. Never part of the event log.
 * @example
 * ```ts
 * const row: StoredPartial = { runId, callId: '1-writer.1.1', channel: '', stepId: '1-writer', agentId: 'writer',
 *   text: 'Tides rise', writer: 'process-id', updatedAt: Date.now() };
 * ```
 */
export interface StoredPartial {
  runId: string;
  callId: string;
  /** `''` for the call's output text, else the tool call id whose arguments these are. */
  channel: string;
  stepId: string;
  agentId: string;
  toolName?: string;
  text: string;
  /** Which process writes it (readers skip their own). */
  writer: string;
  /** When it was last written, ms since the epoch. */
  updatedAt: number;
}

/**
 * The port through which model deltas cross processes: a small table of in-flight partial text,
 * one row per call channel, replaced as the text grows and deleted when the call ends. Writers
 * coalesce (a write carries the whole text so far), readers poll; so a slow or absent reader never
 * slows a writer, and the table holds only calls in flight. Adapters implement it next to their
 * events (SQLite, PostgreSQL); a store without it keeps deltas within its process.
 * @example
 * ```ts
 * const store = await openStore('sqlite:.aigen/aigen.db');
 * const inFlight = (await store.partials?.list(60_000)) ?? []; // other processes' calls under way
 * ```
 */
export interface PartialTextChannel {
  /** Insert or replace these call channels' text. */
  put(partials: readonly StoredPartial[]): Promise<void>;
  /** Delete every channel of these calls, and rows left behind by writers that died long ago. */
  remove(calls: readonly { runId: string; callId: string }[]): Promise<void>;
  /** Every stored partial written within the last `maxAgeMs`. */
  list(maxAgeMs: number): Promise<StoredPartial[]>;
  /** How often readers poll. */
  readonly pollIntervalMs: number;
  close(): Promise<void>;
}

/** Rows older than this are left over from a writer that died; writers delete them. */
export const STALE_PARTIAL_MS = 10 * 60_000;

/**
 * A partial text channel whose writes (puts and removes) run one at a time in the order they were
 * made, and whose `close()` waits for the writes already made: a call's delete issued while its
 * last put is in flight lands after it, and a store closed right after a run ends (SIGTERM, a
 * finished `aigen run`) still deletes the run's in-flight rows.
 * @example
 * ```ts
 * const ordered = new OrderedPartials(adapterChannel);
 * void ordered.put([row]);
 * void ordered.remove([{ runId: row.runId, callId: row.callId }]); // after the put
 * await ordered.close(); // after both
 * ```
 */
export class OrderedPartials implements PartialTextChannel {
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly inner: PartialTextChannel) {}

  get pollIntervalMs(): number {
    return this.inner.pollIntervalMs;
  }

  private next<T>(op: () => Promise<T>): Promise<T> {
    const result = this.last.then(op, op);
    this.last = result.catch(() => undefined);
    return result;
  }

  put(partials: readonly StoredPartial[]): Promise<void> {
    return this.next(() => this.inner.put(partials));
  }

  remove(calls: readonly { runId: string; callId: string }[]): Promise<void> {
    return this.next(() => this.inner.remove(calls));
  }

  list(maxAgeMs: number): Promise<StoredPartial[]> {
    return this.inner.list(maxAgeMs);
  }

  async close(): Promise<void> {
    await this.last;
    await this.inner.close();
  }
}
