// @ts-check
/** Entry point: picks the page from the URL, asks for the API token when the server wants one. */
import { ApiError, setToken } from './api.js';
import { byId, h, replace } from './dom.js';
import { runPage } from './runPage.js';
import { runsPage } from './runsList.js';

const root = byId('app');
const conn = byId('conn');

/** @param {string} state */
function onConnection(state) {
  conn.textContent = { open: '● live', retrying: '● reconnecting', ended: '○ run ended', closed: '○ not connected' }[state] ?? state;
  conn.className = `conn conn-${state}`;
}

function tokenForm() {
  const input = h('input', { type: 'password', name: 'token', autocomplete: 'off', required: true, 'aria-label': 'API token' });
  const form = h('form', { class: 'panel token-form' },
    h('h2', {}, 'API token required'),
    h('p', {}, 'This server needs the token it was started with (AIGEN_API_TOKEN). It is kept in this tab only.'),
    h('div', { class: 'form-row' }, input, h('button', { type: 'submit', class: 'primary' }, 'Continue')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    setToken(input.value.trim());
    location.reload();
  });
  return form;
}

async function main() {
  const match = /^\/runs\/([^/]+)\/?$/.exec(location.pathname);
  try {
    if (match?.[1]) await runPage(root, decodeURIComponent(match[1]), onConnection);
    else await runsPage(root, onConnection);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setToken(null);
      replace(root, tokenForm());
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    replace(root, h('section', { class: 'panel' }, h('h2', {}, err instanceof ApiError && err.status === 404 ? 'Not found' : 'Something went wrong'), h('p', { class: 'error' }, message), h('a', { href: '/' }, '← all runs')));
  }
}

void main();
