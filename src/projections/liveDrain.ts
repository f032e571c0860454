import type { Subscription } from 'rxjs';
import type { EventStore, GlobalFrom } from '../store/eventStore.js';

/** Options of {@link LiveDrain}. */
export interface LiveDrainOptions {
  /** Where to listen from once caught up: the last position the reader has handled. */
  from: () => GlobalFrom;
  /** Called when a drain fails (a started drain retries after `retryMs`, default 1000). */
  onError?: (error: unknown) => void;
  retryMs?: number;
}

/**
 * The loop of a checkpointed reader of the log (projection runner, span exporter): runs its
 * `drain` (read and apply pages after the checkpoint until none is left) one at a time, and,
 * between {@link start} and {@link stop}, again whenever an event is stored. A failed drain is
 * retried after `retryMs`; a subscription that ends in an error is opened again after it.
 * @example
 * ```ts
 * const loop = new LiveDrain(store, () => drain(), { from: () => checkpoint ?? 'start' });
 * loop.start();
 * ```
 */
export class LiveDrain {
  private queue: Promise<unknown> = Promise.resolve();
  private scheduled = false;
  private running = false;
  private live: Subscription | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly drain: () => Promise<void>,
    private readonly options: LiveDrainOptions,
  ) {}

  /** Run `fn` after whatever runs now (drains included), never beside it. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Catch up, then drain again as events are stored, until {@link stop}. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake(() => this.subscribe());
  }

  /** Stop listening; resolves when the drain in progress is done. */
  async stop(): Promise<void> {
    this.running = false;
    this.live?.unsubscribe();
    this.live = undefined;
    clearTimeout(this.retry);
    await this.queue;
  }

  /** True between {@link start} and {@link stop}. */
  get isRunning(): boolean {
    return this.running;
  }

  private subscribe(): void {
    if (!this.running) return;
    this.live?.unsubscribe();
    // Only a wake-up signal: the reader reads the events itself, after its checkpoint.
    this.live = this.store.subscribe({ from: this.options.from() }).subscribe({
      next: () => this.wake(),
      // An unreadable event ends a subscription: skip it in a drain, then listen again after it.
      error: () => this.wake(() => this.subscribe()),
    });
  }

  private wake(then?: () => void): void {
    if (this.scheduled && !then) return;
    this.scheduled = true;
    this.exclusive(async () => {
      this.scheduled = false;
      await this.drain();
    }).then(
      () => then?.(),
      (err: unknown) => {
        this.options.onError?.(err);
        if (this.running) this.retry = setTimeout(() => this.wake(then), this.options.retryMs ?? 1000);
      },
    );
  }
}
