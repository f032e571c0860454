import { Subject, type Observable } from 'rxjs';

/**
 * A piece of model output as it is generated: never stored, only published live. `index` is the
 * character offset of `text` in the call's output text (or, with `toolCall`, in that tool call's
 * arguments), so the deltas of a call concatenate to its output and a reader can tell a repeat
 * from new text. A `snapshot` delta carries everything generated so far (index 0): it replaces
 * what a reader had of that call (sent first to a reader that connects during the call).
 *
 * @example
 * ```ts
 * engine.stream(runId).subscribe((item) => {
 *   if (item.type === 'delta' && !item.toolCall) process.stdout.write(item.text);
 * });
 * ```
 */
export interface ModelDelta {
  type: 'delta';
  runId: string;
  stepId: string;
  /** The model call (as in ModelCalled / ModelResponded). */
  callId: string;
  agentId: string;
  text: string;
  index: number;
  /** Set on tool-call argument deltas: the tool call whose arguments grow. */
  toolCall?: { id: string; name?: string };
  /** The text generated so far of this call, replacing what the reader had. */
  snapshot?: true;
}

/** Where a delta comes from: this process's model calls, or another process's (read from the store). */
export type DeltaOrigin = 'local' | 'remote';

/** The text so far of one in-flight call (one channel: its output text, or one tool call's arguments). */
export interface PartialOutput {
  runId: string;
  stepId: string;
  callId: string;
  agentId: string;
  toolCall?: { id: string; name?: string };
  text: string;
  /**
   * Which issue of the call this text belongs to: a call re-issued after its process died (resume)
   * starts again from empty text under a new generation, so readers replace instead of appending.
   */
  generation: number;
}

/** A published delta with where it came from. */
export interface PublishedDelta {
  delta: ModelDelta;
  origin: DeltaOrigin;
}

/** Longest partial text kept per call channel; beyond it the live text stops growing (the recorded response is complete anyway). */
export const MAX_PARTIAL_CHARS = 1_000_000;

/** The key of one channel of one call. */
export function channelKey(d: { runId: string; callId: string; toolCall?: { id: string } | undefined }): string {
  return `${d.runId}\u0000${d.callId}\u0000${d.toolCall?.id ?? ''}`;
}

/**
 * The in-process delta bus: model calls publish their deltas here as they arrive; readers
 * (engine.stream, SSE, the CLI) subscribe. It keeps only the text so far of calls in flight
 * (dropped when the call ends), so a reader that arrives mid-call can start from a snapshot.
 * Publishing never waits for a reader. Deltas from another process (partial text read from the
 * store) are merged by offset: only text not yet known is published again.
 *
 * @example
 * ```ts
 * const bus = new DeltaBus(); // an engine has one: engine.deltas.bus
 * bus.deltas$.subscribe(({ delta }) => console.log(delta.callId, delta.text));
 * ```
 */
export class DeltaBus {
  private readonly partials = new Map<string, PartialOutput>();
  private readonly subject = new Subject<PublishedDelta>();
  private readonly endedSubject = new Subject<{ runId: string; callId: string }>();
  /** Calls that ended recently, so a late copy from the store does not bring them back. */
  private readonly ended = new Set<string>();
  private generation = 0;
  /** The generation of each call begun here. */
  private readonly started = new Map<string, number>();

  /** Every delta, in the order published. */
  readonly deltas$: Observable<PublishedDelta> = this.subject.asObservable();
  /** Calls whose live text was dropped (their response is recorded, or they failed). */
  readonly ended$: Observable<{ runId: string; callId: string }> = this.endedSubject.asObservable();

  /**
   * Publish text at `index` of a call's channel. Text already known (a repeat, or a remote copy of
   * a local call) is skipped; text past a hole is ignored (it cannot be placed).
   */
  publish(part: Omit<ModelDelta, 'type' | 'snapshot'>, origin: DeltaOrigin = 'local'): void {
    const key = channelKey(part);
    if (this.ended.has(`${part.runId}\u0000${part.callId}`)) return;
    const known = this.partials.get(key);
    const have = known?.text.length ?? 0;
    if (part.index > have) return;
    const fresh = part.text.slice(have - part.index);
    if (fresh === '' || have >= MAX_PARTIAL_CHARS) return;
    const text = (known?.text ?? '') + fresh;
    const { runId, stepId, callId, agentId, toolCall } = part;
    const generation = known?.generation ?? this.generationOf(runId, callId);
    this.partials.set(key, { runId, stepId, callId, agentId, ...(toolCall ? { toolCall } : {}), text, generation });
    this.subject.next({ delta: { type: 'delta', runId, stepId, callId, agentId, ...(toolCall ? { toolCall } : {}), text: fresh, index: have }, origin });
  }

  /**
   * A call (re)starts: whatever text an earlier issue of it left is dropped, and its text starts
   * over under a new generation (also after it was ended, e.g. a call re-issued on resume).
   */
  begin(runId: string, callId: string): void {
    const call = `${runId}\u0000${callId}`;
    this.forget(runId, callId);
    this.ended.delete(call);
    this.started.set(call, ++this.generation);
    if (this.started.size > 10_000) this.started.delete(this.started.keys().next().value!);
  }

  /** The generation of a call's text: the one {@link begin} gave it, else a new one. */
  private generationOf(runId: string, callId: string): number {
    return this.started.get(`${runId}\u0000${callId}`) ?? ++this.generation;
  }

  /** Drop the live text of a call that ended (all its channels); later copies of it are ignored. */
  end(runId: string, callId: string): void {
    const had = this.forget(runId, callId);
    this.ended.add(`${runId}\u0000${callId}`);
    this.started.delete(`${runId}\u0000${callId}`);
    if (this.ended.size > 10_000) this.ended.delete(this.ended.values().next().value!);
    if (had) this.endedSubject.next({ runId, callId });
  }

  /** Drop the live text of a call without ending it (nobody follows it here any more); true when there was some. */
  forget(runId: string, callId: string): boolean {
    const prefix = `${runId}\u0000${callId}\u0000`;
    let had = false;
    for (const key of [...this.partials.keys()]) {
      if (key.startsWith(prefix)) {
        this.partials.delete(key);
        had = true;
      }
    }
    return had;
  }

  /** The text so far of calls in flight, optionally only those of runs matching `runId`. */
  inFlight(runId?: (id: string) => boolean): PartialOutput[] {
    return [...this.partials.values()].filter((p) => runId === undefined || runId(p.runId));
  }

  /** The text so far of one call channel, if it is in flight. */
  partial(key: string): PartialOutput | undefined {
    return this.partials.get(key);
  }
}
