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
   * An approval to decide: from its request in this run's log, or, for a parallel branch's
   * approval that parks this run, from the wait itself (decided under this run, recorded in the
   * branch).
   * @param {import('./run-state.js').WaitingFor} w
   * @param {AigenEvent | undefined} request
   */
  const approvalOf = (w, request) => {
    if (request?.type === 'ApprovalRequested') {
      const d = request.data;
      return { id: d.approvalId, kind: d.kind, name: d.name, stepId: d.stepId, prompt: d.prompt, content: d.content, due: d.timeout ? `${d.timeout.dueAt} (${d.timeout.onTimeout})` : undefined, branch: undefined };
    }
    if (w.kind !== 'approval' || w.runId === undefined) return undefined;
    return { id: w.id, kind: undefined, name: w.name, stepId: w.stepId ?? '?', prompt: w.prompt, content: w.content, due: w.dueAt, branch: w.runId };
  };

  /**
   * The output sent with Approve: the edited text (as JSON when the content to approve is not
   * text), or nothing when it was left as it is.
   * @param {string} text
   * @param {unknown} content
   * @returns {{ output?: unknown } | Error}
   */
  const editedOutput = (text, content) => {
    if (text === contentText(content)) return {};
    if (typeof content === 'string' || content === undefined) return { output: text };
    try {
      return { output: /** @type {unknown} */ (JSON.parse(text)) };
    } catch {
      return new Error('The edited output is not valid JSON (the content to approve is JSON).');
    }
  };

  /**
   * @param {NonNullable<ReturnType<typeof approvalOf>>} a
   * @param {boolean} current
   */
  const approvalItem = (a, current) => {
    const notice = h('p', { class: 'notice', role: 'status', 'data-testid': 'waiting-notice' });
    // A step's output can be edited before it is approved (a tool call's arguments cannot).
    const editable = a.kind === 'step' && current;
    const output = h('textarea', { rows: 8, 'aria-label': 'output to approve (editable)', 'data-testid': 'approval-output' });
    output.value = contentText(a.content);
    const comment = h('textarea', { rows: 2, placeholder: 'Comment (the reason, for a rejection)', 'aria-label': 'comment', 'data-testid': 'approval-comment' });
    const approve = h('button', { type: 'button', class: 'primary', 'data-testid': 'approve' }, 'Approve');
    const reject = h('button', { type: 'button', class: 'danger', 'data-testid': 'reject' }, 'Reject');
    const path = `/api/runs/${id}/approvals/${encodeURIComponent(a.id)}`;
    const decide = (/** @type {'approve' | 'reject'} */ decision) => {
      const text = comment.value.trim();
      const edit = decision === 'approve' && editable ? editedOutput(output.value, a.content) : {};
      if (edit instanceof Error) {
        notice.textContent = edit.message;
        return;
      }
      send([approve, reject], notice, path, { decision, ...(text ? { comment: text } : {}), ...edit });
    };
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));
    return h('div', { class: 'wait-item', 'data-wait-id': a.id },
      h('div', {}, h('span', { class: 'pill status-waiting' }, a.kind === 'tool' ? 'tool call' : 'approval'), ' ', h('strong', {}, a.name), h('span', { class: 'small' }, ` · step ${a.stepId}`),
        a.branch ? h('span', { class: 'small' }, ' · branch ', h('a', { href: `/runs/${encodeURIComponent(a.branch)}` }, a.branch)) : ''),
      a.prompt ? h('p', { class: 'wait-prompt' }, a.prompt) : '',
      editable
        ? h('label', { class: 'small' }, 'Output to approve (edit it to approve your version)', output)
        : h('pre', { class: 'wait-content', 'data-testid': 'approval-content' }, contentText(a.content)),
      a.due ? h('p', { class: 'small' }, `Decided by timeout at ${a.due}`) : '',
      current ? h('div', {}, comment, h('div', { class: 'form-row' }, approve, reject)) : h('p', { class: 'small' }, 'Follow the run live to decide.'),
      notice);
  };

  /**
   * @param {import('./run-state.js').WaitingFor} w
   * @param {AigenEvent | undefined} request
   * @param {boolean} current
   */
  const item = (w, request, current) => {
    const approval = approvalOf(w, request);
    if (approval) return approvalItem(approval, current);
    const notice = h('p', { class: 'notice', role: 'status', 'data-testid': 'waiting-notice' });
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
      const key = `${current}|${waits.map((w) => `${w.runId ?? ''}/${w.id}`).join(',')}`;
      if (key === shownKey) return;
      shownKey = key;
      const requests = requestsById(events);
      replace(body, ...waits.map((w) => item(w, w.runId === undefined ? requests.get(w.id) : undefined, current)));
    },
  };
}
