// @ts-check
/**
 * A server-sent events client over fetch (so it can send the bearer token, which EventSource
 * cannot). Reconnects with `Last-Event-ID` after a dropped connection, so nothing is missed or
 * repeated; stops for good on an `end` message.
 */
import { authHeaders } from './api.js';

/**
 * @typedef {object} StreamHandlers
 * @property {(event: string, data: unknown, id: string | undefined) => void} onMessage
 * @property {(state: 'open' | 'retrying' | 'ended' | 'closed', detail?: string) => void} [onState]
 */

/**
 * Open an SSE stream; returns a function that closes it.
 * @param {string} path
 * @param {StreamHandlers} handlers
 * @returns {() => void}
 */
export function openStream(path, handlers) {
  const abort = new AbortController();
  /** @type {string | undefined} */
  let lastId;
  let retryMs = 1000;
  let ended = false;

  /** @param {string} block */
  const dispatch = (block) => {
    let event = 'message';
    const data = [];
    /** @type {string | undefined} */
    let id;
    for (const line of block.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
    }
    if (id !== undefined) lastId = id;
    if (data.length === 0) return;
    if (event === 'end') {
      ended = true;
      return;
    }
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      parsed = data.join('\n');
    }
    handlers.onMessage(event, parsed, id);
  };

  const connect = async () => {
    while (!abort.signal.aborted && !ended) {
      try {
        const headers = authHeaders({ Accept: 'text/event-stream' });
        if (lastId !== undefined) headers['Last-Event-ID'] = lastId;
        const res = await fetch(path, { headers, signal: abort.signal, cache: 'no-store' });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        handlers.onState?.('open');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += value;
          const blocks = buffer.split(/\r?\n\r?\n/);
          buffer = blocks.pop() ?? '';
          for (const block of blocks) dispatch(block);
          if (ended) break;
        }
      } catch (err) {
        if (abort.signal.aborted) break;
        handlers.onState?.('retrying', err instanceof Error ? err.message : String(err));
      }
      if (!ended && !abort.signal.aborted) await new Promise((r) => setTimeout(r, retryMs));
    }
    handlers.onState?.(ended ? 'ended' : 'closed');
  };
  void connect();
  return () => abort.abort();
}
