import { END, START, type KurrentDBClient, type Position, type ResolvedEvent } from '@kurrent/kurrentdb-client';
import { Observable } from 'rxjs';
import type { RawEvent } from '../../events/codec.js';
import { StoreUnavailableError } from '../../errors.js';
import type { DriverFilter } from '../driver.js';
import type { GlobalFrom } from '../eventStore.js';
import { splitFilter } from './filters.js';
import { decodeKurrentPosition, isAfter } from './position.js';
import { rawOf } from './records.js';

/** How a subscription comes back after the server (or the network) dropped it. */
export interface ReconnectOptions {
  /** Pause before the first resubscription; it doubles per failed attempt, up to 5 s. Default 100 ms. */
  reconnectDelayMs?: number;
  /** Failed attempts in a row before the subscription errors with StoreUnavailableError. Default 30. */
  reconnectAttempts?: number;
}

interface Context extends ReconnectOptions {
  namespace: string;
  /** For messages. */
  target: string;
  /** Completes when the store closes: the subscription completes too. */
  closed$: Observable<void>;
}

/** Errors after which resubscribing cannot help (anything else is treated as a dropped connection). */
const FATAL = new Set(['access-denied', 'stream-deleted', 'stream-tombstoned', 'invalid-argument', 'unsupported']);

type ClientSubscription = ReturnType<KurrentDBClient['subscribeToAll']> | ReturnType<KurrentDBClient['subscribeToStream']>;

/**
 * Catch up from `from`, then stay live, through the client's catch-up subscriptions: `$all` with
 * a server-side filter, or one stream. The server pushes the stored events, a caught-up notice
 * and then new events in order. When it drops the subscription, this resubscribes after the
 * last delivered event, so nothing is skipped or repeated across the drop.
 */
export function subscribeKurrent(client: KurrentDBClient, ctx: Context, from: GlobalFrom, filter: DriverFilter): Observable<RawEvent> {
  return new Observable<RawEvent>((subscriber) => {
    const { namespace } = ctx;
    const streamId = filter.streamId;
    const { server, local } = splitFilter(namespace, filter);
    const delay = ctx.reconnectDelayMs ?? 100;
    const maxAttempts = ctx.reconnectAttempts ?? 30;
    let stopped = false;
    let attempts = 0;
    let current: ClientSubscription | undefined;
    let timer: NodeJS.Timeout | undefined;
    // Where to resume: after the last event delivered (or seen), else the resolved start.
    let afterPosition: Position | undefined;
    let afterRevision: bigint | undefined;
    let floor: Position | undefined;

    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      closedSub.unsubscribe();
      const sub = current;
      current = undefined;
      sub?.removeAllListeners();
      sub?.on('error', () => undefined);
      void sub?.unsubscribe().catch(() => undefined);
    };
    const fail = (err: unknown) => {
      if (stopped) return;
      stop();
      subscriber.error(err);
    };

    /** 'end' and positions become concrete starting points once, so a resubscription resumes from the same place. */
    const resolveStart = async () => {
      if (from === 'start') return;
      if (streamId !== undefined) {
        if (from === 'end') {
          const last = await lastRevision(client, namespace + streamId);
          if (last !== undefined) afterRevision = last;
        } else floor = decodeKurrentPosition(from);
      } else if (from === 'end') {
        afterPosition = await headOf(client, server);
      } else afterPosition = floor = decodeKurrentPosition(from);
    };

    const open = () => {
      if (stopped) return;
      let sub: ClientSubscription;
      try {
        sub =
          streamId !== undefined
            ? client.subscribeToStream(namespace + streamId, { fromRevision: afterRevision ?? START })
            : client.subscribeToAll({ fromPosition: afterPosition ?? START, filter: server });
      } catch (err) {
        retry(err);
        return;
      }
      current = sub;
      sub.on('confirmation', () => {
        if (current === sub) attempts = 0;
      });
      sub.on('data', (event: ResolvedEvent) => {
        if (current !== sub || stopped) return;
        attempts = 0;
        const e = event.event;
        if (!e) return;
        if (streamId !== undefined) afterRevision = e.revision;
        else if (e.position) afterPosition = e.position;
        const raw = rawOf(event, namespace);
        if (!raw || (floor && e.position && !isAfter(e.position, floor))) return;
        if (local && !local(raw.streamId, raw.type)) return;
        subscriber.next(raw);
      });
      sub.on('error', (err: unknown) => {
        if (current === sub) retry(err);
      });
      sub.on('end', () => {
        if (current === sub) retry(new Error('the server ended the subscription'));
      });
    };

    const retry = (err: unknown) => {
      if (stopped) return;
      const sub = current;
      current = undefined;
      sub?.removeAllListeners();
      sub?.on('error', () => undefined);
      void sub?.unsubscribe().catch(() => undefined);
      const type = (err as { type?: unknown } | null)?.type;
      attempts += 1;
      if ((typeof type === 'string' && FATAL.has(type)) || attempts > maxAttempts) {
        fail(new StoreUnavailableError(`${ctx.target} (subscription)`, { cause: err }));
        return;
      }
      timer = setTimeout(open, Math.min(delay * 2 ** (attempts - 1), 5000));
    };

    const closedSub = ctx.closed$.subscribe({
      complete: () => {
        if (stopped) return;
        stop();
        subscriber.complete();
      },
    });

    resolveStart().then(open, fail);

    return stop;
  });
}

async function lastRevision(client: KurrentDBClient, stream: string): Promise<bigint | undefined> {
  try {
    for await (const e of client.readStream(stream, { fromRevision: END, direction: 'backwards', maxCount: 1 })) return e.event?.revision;
  } catch (err) {
    if ((err as { type?: unknown }).type === 'stream-not-found') return undefined;
    throw err;
  }
  return undefined;
}

async function headOf(client: KurrentDBClient, filter: ReturnType<typeof splitFilter>['server']): Promise<Position | undefined> {
  for await (const e of client.readAll({ fromPosition: END, direction: 'backwards', maxCount: 1, filter })) return e.event?.position;
  return undefined;
}
