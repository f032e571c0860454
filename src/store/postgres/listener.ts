import { Client, escapeIdentifier, type ClientConfig } from 'pg';
import type { WakeHint } from '../driver.js';
import { parseHint } from './wakeHint.js';

/**
 * A dedicated connection that LISTENs on the store's channel and calls `onWake` for each
 * notification, with the hint its payload carries (what the writer appended). Notifications are only a wake-up (subscribers also poll), so a lost connection
 * is re-established in the background, with one wake-up afterwards for anything missed.
 */
export class Listener {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly channel: string,
    private readonly onWake: (hint?: WakeHint) => void,
    private readonly reconnectMs = 1000,
  ) {}

  /** Connect and LISTEN; rejects when the database cannot be reached. */
  async start(): Promise<void> {
    const client = new Client(this.config);
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.onWake(parseHint(msg.payload));
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(this.channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  /** Stop listening and close the connection. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.reconnect();
  }

  private reconnect(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.start().then(
        () => this.onWake(),
        () => this.reconnect(),
      );
    }, this.reconnectMs);
    this.retry.unref();
  }
}
