// @ts-check
/**
 * The run page's "waiting for" panel: what a waiting run waits for (an approval with the content
 * to approve, a signal, a timer), with Approve / Reject (with a comment) and Send signal. The
 * decision is recorded by the API; the page then sees the run go on over its event stream.
 */
import { api } from './api.js';
import { h, replace } from './dom.js';

/** @typedef {import('./run-state.js').AigenEvent} AigenEvent */
/** @typedef {import('./run-state.js').RunState} RunState */

/**
 * The request event (ApprovalRequested / SignalAwaited / TimerStarted) of each wait, by id.
 * @param {readonly AigenEvent[]} events
 */
function requestsById(events) {
  /** @type {Map<string, AigenEvent>} */
  const byId = new Map();
  for (const e of events) {
    if (e.type === 'ApprovalRequested') byId.set(e.data.approvalId, e);
    else if (e.type === 'SignalAwaited') byId.set(e.data.signalId, e);
    else if (e.type === 'TimerStarted') byId.set(e.data.timerId, e);
  }
  return byId;
}

/** @param {unknown} value */
function contentText(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/**
 * A panel that shows what the run waits for at the selected position; its buttons decide (only
 * at the newest position: a decision is about the run now, not about the past).
 * @param {string} runId
 */
export function createWaitingPanel(runId) {
  const id = encodeURIComponent(runId);
  const body = h('div', {});
  const element = h('section', { class: 'panel waiting-panel', hidden: true, 'data-testid': 'waiting' }, h('h2', {}, 'Waiting for'), body);
  /** What is shown, so that a re-render with the same waits keeps the comment being typed. */
  let shownKey = '';

  /**
   * @param {HTMLButtonElement[]} buttons
   * @param {HTMLElement} notice
   * @param {string} path
   * @param {unknown} requestBody
   */
  const send = (buttons, notice, path, requestBody) => {
    for (const b of buttons) b.disabled = true;
    notice.textContent = '';
    api(path, { method: 'POST', body: requestBody }).then(
      () => (notice.textContent = 'Recorded; the run goes on.'),
      (/** @type {Error} */ err) => {
        for (const b of buttons) b.disabled = false;
        notice.textContent = err.message;
      },
    );
  };

  /**
   * @param {import('./run-state.js').WaitingFor} w
   * @param {AigenEvent | undefined} request
   * @param {boolean} current
   */
  const item = (w, request, current) => {
    const notice = h('p', { class: 'notice', role: 'status', 'data-testid': 'waiting-notice' });
    if (request?.type === 'ApprovalRequested') {
      const d = request.data;
      const comment = h('textarea', { rows: 2, placeholder: 'Comment (the reason, for a rejection)', 'aria-label': 'comment', 'data-testid': 'approval-comment' });
      const approve = h('button', { type: 'button', class: 'primary', 'data-testid': 'approve' }, 'Approve');
      const reject = h('button', { type: 'button', class: 'danger', 'data-testid': 'reject' }, 'Reject');
      const path = `/api/runs/${id}/approvals/${encodeURIComponent(d.approvalId)}`;
      const decide = (/** @type {'approve' | 'reject'} */ decision) => {
        const text = comment.value.trim();
        send([approve, reject], notice, path, { decision, ...(text ? { comment: text } : {}) });
      };
      approve.addEventListener('click', () => decide('approve'));
      reject.addEventListener('click', () => decide('reject'));
      return h('div', { class: 'wait-item', 'data-wait-id': d.approvalId },
        h('div', {}, h('span', { class: 'pill status-waiting' }, d.kind === 'tool' ? 'tool call' : 'approval'), ' ', h('strong', {}, d.name), h('span', { class: 'small' }, ` · step ${d.stepId}`)),
        d.prompt ? h('p', { class: 'wait-prompt' }, d.prompt) : '',
        h('pre', { class: 'wait-content', 'data-testid': 'approval-content' }, contentText(d.content)),
        d.timeout ? h('p', { class: 'small' }, `Decided by timeout at ${d.timeout.dueAt} (${d.timeout.onTimeout})`) : '',
        current ? h('div', {}, comment, h('div', { class: 'form-row' }, approve, reject)) : h('p', { class: 'small' }, 'Follow the run live to decide.'),
        notice);
    }
    if (request?.type === 'SignalAwaited') {
      const d = request.data;
      const payload = h('textarea', { rows: 3, placeholder: 'Payload (JSON)', 'aria-label': 'signal payload', 'data-testid': 'signal-payload' });
      const sendButton = h('button', { type: 'button', class: 'primary', 'data-testid': 'send-signal' }, 'Send signal');
      sendButton.addEventListener('click', () => {
        /** @type {unknown} */
        let value;
        try {
          value = payload.value.trim() ? JSON.parse(payload.value) : null;
        } catch {
          notice.textContent = 'The payload is not valid JSON.';
          return;
        }
        send([sendButton], notice, `/api/runs/${id}/signals/${encodeURIComponent(d.name)}`, value);
      });
      return h('div', { class: 'wait-item', 'data-wait-id': d.signalId },
        h('div', {}, h('span', { class: 'pill status-waiting' }, 'signal'), ' ', h('strong', {}, d.name), h('span', { class: 'small' }, ` · step ${d.stepId}`)),
        d.prompt ? h('p', { class: 'wait-prompt' }, d.prompt) : '',
        d.schema !== undefined ? h('pre', { class: 'wait-content' }, contentText(d.schema)) : '',
        current ? h('div', {}, payload, h('div', { class: 'form-row' }, sendButton)) : '',
        notice);
    }
    const due = request?.type === 'TimerStarted' ? request.data.dueAt : undefined;
    return h('div', { class: 'wait-item', 'data-wait-id': w.id }, h('span', { class: 'pill status-waiting' }, w.kind), ' ', w.id, due ? h('span', { class: 'small' }, ` · due ${due}`) : '');
  };

  return {
    element,
    /**
     * @param {RunState} f  the run folded up to the selected position
     * @param {readonly AigenEvent[]} events
     * @param {boolean} current  whether the selected position is the run's newest
     */
    render(f, events, current) {
      const waits = f.endedAt === undefined ? f.waitingFor : [];
      element.hidden = waits.length === 0;
      const key = `${current}|${waits.map((w) => w.id).join(',')}`;
      if (key === shownKey) return;
      shownKey = key;
      const requests = requestsById(events);
      replace(body, ...waits.map((w) => item(w, requests.get(w.id), current)));
    },
  };
}
