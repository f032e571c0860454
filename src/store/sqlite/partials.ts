import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { STALE_PARTIAL_MS, type PartialTextChannel, type StoredPartial } from '../partials.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS partial_outputs (
  run_id     TEXT    NOT NULL,
  call_id    TEXT    NOT NULL,
  channel    TEXT    NOT NULL,
  step_id    TEXT    NOT NULL,
  agent_id   TEXT    NOT NULL,
  tool_name  TEXT,
  text       TEXT    NOT NULL,
  writer     TEXT    NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, call_id, channel)
)`;

interface Row {
  runId: string;
  callId: string;
  channel: string;
  stepId: string;
  agentId: string;
  toolName: string | null;
  text: string;
  writer: string;
  updatedAt: number;
}

/**
 * In-flight partial text in the store's own file, written through a second connection with
 * `synchronous=OFF` (partial text need not survive a crash), so these writes never wait for an
 * fsync. A private in-memory database has no other process to tell: it uses the store's connection.
 */
export class SqlitePartials implements PartialTextChannel {
  readonly pollIntervalMs = 50;
  private db: Database.Database | undefined;
  /** Whether this channel has its own connection (a file), else it shares the store's (`:memory:`). */
  private readonly own: boolean;
  private readonly path: string;

  constructor(
    path: string,
    private readonly storeDb: Database.Database,
    /**
     * Short: better-sqlite3 waits for a lock synchronously, and live text is not worth holding up
     * the process; a write that finds the file locked is skipped (the next one carries all the text).
     */
    private readonly busyTimeoutMs = 100,
  ) {
    this.own = path !== ':memory:';
    this.path = this.own ? resolve(path) : path;
  }

  private conn(): Database.Database {
    if (!this.db) {
      const db = this.own ? new Database(this.path) : this.storeDb;
      if (this.own) {
        db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
        db.pragma('synchronous = OFF');
      }
      db.exec(SCHEMA);
      this.db = db;
    }
    return this.db;
  }

  put(partials: readonly StoredPartial[]): Promise<void> {
    const db = this.conn();
    const upsert = db.prepare(`INSERT INTO partial_outputs (run_id, call_id, channel, step_id, agent_id, tool_name, text, writer, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_id, call_id, channel) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at, writer = excluded.writer, step_id = excluded.step_id, agent_id = excluded.agent_id, tool_name = excluded.tool_name`);
    db.transaction(() => {
      for (const p of partials) upsert.run(p.runId, p.callId, p.channel, p.stepId, p.agentId, p.toolName ?? null, p.text, p.writer, p.updatedAt);
    })();
    return Promise.resolve();
  }

  remove(calls: readonly { runId: string; callId: string }[]): Promise<void> {
    const db = this.conn();
    const del = db.prepare('DELETE FROM partial_outputs WHERE run_id = ? AND call_id = ?');
    db.transaction(() => {
      for (const c of calls) del.run(c.runId, c.callId);
      db.prepare('DELETE FROM partial_outputs WHERE updated_at < ?').run(Date.now() - STALE_PARTIAL_MS);
    })();
    return Promise.resolve();
  }

  list(maxAgeMs: number): Promise<StoredPartial[]> {
    const rows = this.conn()
      .prepare(`SELECT run_id AS runId, call_id AS callId, channel, step_id AS stepId, agent_id AS agentId, tool_name AS toolName,
        text, writer, updated_at AS updatedAt FROM partial_outputs WHERE updated_at >= ?`)
      .all(Date.now() - maxAgeMs) as Row[];
    return Promise.resolve(rows.map(({ toolName, ...r }) => ({ ...r, ...(toolName !== null ? { toolName } : {}) })));
  }

  close(): Promise<void> {
    if (this.own) this.db?.close();
    this.db = undefined;
    return Promise.resolve();
  }
}
