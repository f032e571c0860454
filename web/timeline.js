// @ts-check
/**
 * The event timeline: a scrubber (range input over stream positions) with step buttons and a
 * "live" switch, the list of events, and the selected event in full (as text).
 */
import { h } from './dom.js';
import { aboutEventType, isTerminalEventType, summarizeEvent } from './run-state.js';

/** @typedef {import('./run-state.js').AigenEvent} AigenEvent */

/**
 * @param {{ onSelect: (position: number, live: boolean) => void }} handlers
 */
export function createTimeline(handlers) {
  /** @type {readonly AigenEvent[]} */
  let events = [];
  let live = true;
  let listed = 0;
  /** Whether the last event ends the run: nothing more will arrive to follow. */
  let ended = false;
  const range = h('input', { type: 'range', min: '0', max: '0', value: '0', step: '1', class: 'scrubber', 'data-testid': 'scrubber', 'aria-label': 'event position' });
  const where = h('span', { class: 'where', 'data-testid': 'scrubber-label' });
  const liveBox = h('input', { type: 'checkbox', checked: true, 'data-testid': 'live' });
  const liveLabel = h('label', { class: 'live' }, liveBox, ' live');
  const list = h('ol', { class: 'events', 'data-testid': 'events' });
  const detail = h('pre', { class: 'event-detail', 'data-testid': 'event-detail' });
  const last = () => events[events.length - 1]?.streamPosition ?? 0;

  /** @param {number} position @param {boolean} follow */
  const select = (position, follow) => {
    live = follow;
    liveBox.checked = follow && !ended;
    range.value = String(position);
    handlers.onSelect(position, follow);
  };
  range.addEventListener('input', () => select(Number(range.value), Number(range.value) >= last() && live));
  liveBox.addEventListener('change', () => select(liveBox.checked ? last() : Number(range.value), liveBox.checked));
  /** @param {number} delta */
  const step = (delta) => select(Math.min(last(), Math.max(0, Number(range.value) + delta)), false);
  const button = (/** @type {string} */ label, /** @type {string} */ title, /** @type {() => void} */ fn) => h('button', { type: 'button', class: 'icon', title, 'aria-label': title, onclick: fn }, label);

  const element = h('section', { class: 'panel timeline' },
    h('div', { class: 'scrub-row' },
      button('«', 'first event', () => select(0, false)),
      button('‹', 'previous event', () => step(-1)),
      range,
      button('›', 'next event', () => step(1)),
      button('»', 'last event', () => select(last(), false)),
      liveLabel,
    ),
    where,
  );
  const eventsPanel = h('section', { class: 'panel events-panel' }, h('h2', {}, 'Events'), list);
  const detailPanel = h('section', { class: 'panel detail-panel' }, h('h2', {}, 'Selected event'), detail);

  return {
    element,
    eventsPanel,
    detailPanel,
    get live() {
      return live;
    },
    /**
     * New events arrived (all of them so far, in order).
     * @param {readonly AigenEvent[]} all
     */
    setEvents(all) {
      events = all;
      ended = all.length > 0 && isTerminalEventType(all[all.length - 1]?.type ?? '');
      // An ended run has nothing more to follow: the switch is off and says why.
      liveBox.disabled = ended;
      liveBox.checked = live && !ended;
      liveLabel.title = ended ? 'the run has ended: nothing more will arrive' : 'follow the run as events arrive';
      range.max = String(last());
      for (const e of all.slice(listed)) {
        const t0 = all[0] ? Date.parse(all[0].metadata.recordedAt) : 0;
        const offset = Date.parse(e.metadata.recordedAt) - t0;
        list.append(h('li', { 'data-position': e.streamPosition, onclick: () => select(e.streamPosition, false) },
          h('span', { class: 'pos' }, `#${e.streamPosition}`),
          h('span', { class: 'off' }, `+${offset} ms`),
          h('span', { class: `type type-${e.type}`, title: aboutEventType(e.type) ?? '' }, e.type),
          h('span', { class: 'sum' }, summarizeEvent(e))));
      }
      listed = all.length;
      if (live) select(last(), true);
    },
    /**
     * Show the selection (called back after onSelect).
     * @param {number} position
     */
    show(position) {
      const e = events.find((x) => x.streamPosition === position);
      where.textContent = e ? `#${position} of ${last()} · ${e.type} · ${new Date(e.metadata.recordedAt).toLocaleTimeString('en-GB', { hour12: false })}${live ? (ended ? ' · the run has ended' : ' · following live') : ''}` : '';
      detail.textContent = e ? JSON.stringify(e, null, 2) : '';
      for (const li of list.children) li.classList.toggle('selected', li.getAttribute('data-position') === String(position));
      const selected = list.querySelector('li.selected');
      if (selected && !live) selected.scrollIntoView({ block: 'nearest' });
      else if (live) list.scrollTop = list.scrollHeight;
    },
    /** @param {number} position */
    select: (position) => select(position, position >= last()),
  };
}
