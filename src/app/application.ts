import type { EngineOptions, WorkflowEngine } from '../runtime/engine.js';
import type { LiveDeltas } from '../runtime/liveDeltas.js';
import type { EventStore } from '../store/eventStore.js';

/** How an {@link Application} gets what it is built from: each asked for once, when first needed. */
export interface ApplicationParts {
  /** Open the event store (the caller knows the URL and how to open it). */
  store: () => Promise<EventStore>;
  /** The engine's settings besides the store: catalog, environment, default model, … */
  engineOptions?: () => Promise<Omit<EngineOptions, 'store'>>;
}

/**
 * What one process of aigen runs on: its event store and the one engine built over it, created
 * once and closed once. The CLI makes one per command, the server and workers share theirs;
 * nothing else constructs an engine. Parts load lazily: a command that only reads runs never
 * loads the engine (nor `@openai/agents`).
 * @example
 * ```ts
 * const app = new Application({ store: () => openStore('sqlite:.aigen/aigen.db') });
 * const engine = await app.engine();
 * const { runId } = await engine.execute(createWorkflow('content_generation'), undefined, 'Tides');
 * await app.close();
 * ```
 */
export class Application {
  private opened: Promise<EventStore> | undefined;
  private built: Promise<WorkflowEngine> | undefined;
  private live: Promise<LiveDeltas> | undefined;

  constructor(private readonly parts: ApplicationParts) {}

  /** The event store, opened on first use. */
  store(): Promise<EventStore> {
    this.opened ??= this.parts.store();
    return this.opened;
  }

  /** The live text of model calls over {@link store}: the engine publishes there, readers follow it. */
  deltas(): Promise<LiveDeltas> {
    this.live ??= (async () => {
      const [{ LiveDeltas }, store] = await Promise.all([import('../runtime/liveDeltas.js'), this.store()]);
      return new LiveDeltas(store);
    })();
    return this.live;
  }

  /** The engine over {@link store} and {@link deltas}, built on first use. */
  engine(): Promise<WorkflowEngine> {
    this.built ??= (async () => {
      const [{ WorkflowEngine }, store, deltas, options] = await Promise.all([
        import('../runtime/engine.js'),
        this.store(),
        this.deltas(),
        this.parts.engineOptions?.() ?? Promise.resolve({}),
      ]);
      return new WorkflowEngine({ ...options, store, deltas });
    })();
    return this.built;
  }

  /** Close the store, if it was opened. A closed application opens its store anew when asked. */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    this.built = undefined;
    this.live = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}
