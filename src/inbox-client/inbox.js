// notifykit in-app inbox for the browser: a bell with an unread badge and a list, kept live over a WebSocket.
// No dependencies, no build step: served as is at GET /sdk/inbox.js. Protocol: docs/inbox.md.
//
//   import { mountInbox } from 'https://api.example/sdk/inbox.js';
//   const inbox = mountInbox(document.getElementById('bell'), { baseUrl: 'https://api.example', token });
//
// `token` is a subscriber token, or an async function returning a fresh one (asked again when the server says
// the token expired: an HTTP 401 or WebSocket close code 4401). `onChange`, optional, hears every new state (for a
// page title with the unread count, say).

const PAGE_SIZE = 20;
const PING_EVERY_MS = 30_000;
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30_000;
// The server answers this exact text itself without waking the Durable Object, so it must not vary.
const PING = '{"type":"ping"}';
const CLOSE_TOKEN_EXPIRED = 4401;

/**
 * Mounts the inbox in `element` and keeps it live until `close()`.
 * @param {HTMLElement} element
 * @param {{ baseUrl?: string, token: string | (() => Promise<string> | string),
 *   onChange?: (state: { counts: { unread: number, unseen: number }, messages: object[] }) => void }} options
 * @returns {{ close(): void, counts(): { unread: number, unseen: number }, messages(): object[] }}
 */
export function mountInbox(element, { baseUrl, token, onChange }) {
  const base = (baseUrl || new URL(import.meta.url).origin).replace(/\/+$/, '');
  const state = {
    messages: new Map(), // id → InboxMessage
    counts: { unread: 0, unseen: 0 },
    cursor: null, // stream position of the last change applied; reconnects resume from it
    open: false,
    closed: false,
    socket: null,
    attempt: 0, // consecutive failures, for the backoff
    retryTimer: 0,
    pingTimer: 0,
    markedSeen: new Set(), // ids already sent as seen, so re-renders do not send them again
  };
  const tokens = tokenSource(token);
  const ui = render(element, {
    onToggle: () => setOpen(!state.open),
    onMarkAll: () => mark({ all: true, state: 'read' }),
    onItem: (message) => openMessage(message),
  });
  const onOutsideClick = (event) => {
    if (state.open && !element.contains(event.target)) setOpen(false);
  };
  const onKey = (event) => {
    if (state.open && event.key === 'Escape') setOpen(false);
  };
  document.addEventListener('click', onOutsideClick);
  document.addEventListener('keydown', onKey);

  /** fetch with the token; one retry with a fresh token on 401 (the token may simply have expired). */
  async function request(path, init = {}) {
    const send = async (fresh) =>
      fetch(base + path, {
        ...init,
        headers: { ...init.headers, authorization: `Bearer ${await tokens.get(fresh)}` },
      });
    let res = await send(false);
    if (res.status === 401 && tokens.refreshable) res = await send(true);
    return res;
  }

  async function loadFirstPage() {
    try {
      const res = await request(`/v1/inbox?limit=${PAGE_SIZE}`);
      if (!res.ok) throw new Error(`GET /v1/inbox answered ${res.status}`);
      const page = await res.json();
      if (state.closed) return;
      for (const message of page.data) state.messages.set(message.id, message);
      // The socket resumes from the page's position, so nothing falls between the page and the live stream.
      state.cursor = page.streamCursor;
      update();
      connect();
    } catch (err) {
      console.warn('[notifykit inbox]', err);
      retryLater(loadFirstPage);
    }
  }

  async function connect() {
    if (state.closed) return;
    const since = state.cursor == null ? '' : `?since=${encodeURIComponent(state.cursor)}`;
    const url = `${base.replace(/^http/, 'ws')}/v1/inbox/ws${since}`;
    let socket;
    try {
      socket = new WebSocket(url, ['notifykit-inbox', await tokens.get(false)]);
    } catch (err) {
      console.warn('[notifykit inbox]', err);
      return retryLater(connect);
    }
    if (state.closed) return socket.close(1000);
    state.socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      state.pingTimer = setInterval(() => socket.send(PING), PING_EVERY_MS);
    };
    socket.onmessage = (event) => {
      // Healthy once the server speaks (it always sends `counts` first), not merely once the upgrade succeeded:
      // a socket that is accepted and at once closed must keep backing off.
      state.attempt = 0;
      applyFrame(event.data);
    };
    socket.onclose = async (event) => {
      clearInterval(state.pingTimer);
      state.socket = null;
      if (state.closed) return;
      if (event.code === CLOSE_TOKEN_EXPIRED) tokens.expire();
      else if (!opened) await checkToken();
      retryLater(connect);
    };
  }

  // A refused upgrade (bad or expired token) looks like any network failure to a browser: an HTTP call tells
  // them apart, and refreshes the token on 401.
  async function checkToken() {
    try {
      const res = await request('/v1/inbox/counts');
      if (res.ok) setCounts(await res.json());
    } catch {}
  }

  function retryLater(task) {
    if (state.closed) return;
    const ceiling = Math.min(BACKOFF_FIRST_MS * 2 ** state.attempt, BACKOFF_MAX_MS);
    state.attempt += 1;
    // Jitter, so tabs disconnected by the same server restart do not all come back at the same instant.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    state.retryTimer = setTimeout(task, delay);
  }

  function applyFrame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame.cursor !== undefined) state.cursor = frame.cursor;
    switch (frame.type) {
      case 'message.new':
        state.messages.set(frame.message.id, frame.message);
        break;
      case 'message.updated':
        for (const id of frame.ids) {
          const message = state.messages.get(id);
          if (message) Object.assign(message, pickFlags(frame.changes));
        }
        break;
      case 'counts':
        state.counts = { unread: frame.unread, unseen: frame.unseen };
        break;
      case 'error':
        console.warn('[notifykit inbox]', frame.code, frame.message);
        return;
      default:
        return; // pong, and frame types added later
    }
    update();
  }

  /** Counts from an HTTP answer; the socket's own `counts` frames are applied in applyFrame. */
  function setCounts({ unread, unseen }) {
    state.counts = { unread, unseen };
    update();
  }

  /** Over the socket when it is up (every tab hears about it); over HTTP otherwise (the socket catches up). */
  function mark(body) {
    if (state.socket?.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify({ type: 'mark', ...body }));
      return Promise.resolve();
    }
    return request('/v1/inbox/mark', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then(async (res) => res.ok && setCounts(await res.json()))
      .catch((err) => console.warn('[notifykit inbox]', err));
  }

  async function openMessage(message) {
    if (!message.read) await mark({ ids: [message.id], state: 'read' });
    const target = safeUrl(message.actionUrl);
    if (!target) return;
    // Leaving the page closes the socket: let the mark frame reach the network first.
    await drained(state.socket);
    location.assign(target);
  }

  function setOpen(open) {
    state.open = open;
    update();
  }

  function visibleMessages() {
    return [...state.messages.values()]
      .filter((m) => !m.archived)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
  }

  function update() {
    if (state.closed) return;
    const shown = visibleMessages();
    ui.update({ open: state.open, counts: state.counts, messages: shown });
    onChange?.({ counts: { ...state.counts }, messages: shown.map((m) => ({ ...m })) });
    if (!state.open) return;
    // What the open list shows has been seen (unseen is what a product may use for a "new" dot).
    const unseen = shown.filter((m) => !m.seen && !state.markedSeen.has(m.id)).map((m) => m.id);
    if (unseen.length === 0) return;
    for (const id of unseen) state.markedSeen.add(id);
    mark({ ids: unseen, state: 'seen' });
  }

  loadFirstPage();

  return {
    close() {
      state.closed = true;
      clearTimeout(state.retryTimer);
      clearInterval(state.pingTimer);
      state.socket?.close(1000);
      document.removeEventListener('click', onOutsideClick);
      document.removeEventListener('keydown', onKey);
      ui.remove();
    },
    counts: () => ({ ...state.counts }),
    messages: () => visibleMessages().map((m) => ({ ...m })),
  };
}

/** The current token; a function token is asked once, then again only after the server refused the old one. */
function tokenSource(token) {
  if (typeof token !== 'function') {
    return { refreshable: false, get: async () => token, expire() {} };
  }
  let current = null;
  return {
    refreshable: true,
    get(fresh) {
      if (fresh || !current) current = Promise.resolve(token());
      // A failed refresh must not stick: the next call asks again.
      current.catch(() => {
        current = null;
      });
      return current;
    },
    expire() {
      current = null;
    },
  };
}

function pickFlags(changes) {
  const flags = {};
  for (const flag of ['seen', 'read', 'archived']) if (typeof changes[flag] === 'boolean') flags[flag] = changes[flag];
  return flags;
}

/** Only http(s): message content comes from the tenant's API calls and must never run script here. */
function safeUrl(url) {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

function drained(socket, timeoutMs = 1000) {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve) => {
    const check = () =>
      !socket || socket.bufferedAmount === 0 || Date.now() > until ? resolve() : setTimeout(check, 20);
    check();
  });
}

// Rendering: DOM nodes and textContent only. Message text is never parsed as HTML.

const SVG = 'http://www.w3.org/2000/svg';

const STYLE = `
.nk-inbox{position:relative;display:inline-block;font:14px/1.4 system-ui,sans-serif;color:#1f2328}
.nk-inbox__bell{position:relative;border:1px solid #d0d7de;border-radius:8px;background:#fff;padding:6px 10px;
  cursor:pointer;line-height:0;color:#1f2328}
.nk-inbox__badge{position:absolute;top:-6px;right:-6px;min-width:18px;height:18px;padding:0 5px;box-sizing:border-box;
  border-radius:9px;background:#cf222e;color:#fff;font-size:11px;font-weight:600;line-height:18px;text-align:center}
.nk-inbox__panel{position:absolute;right:0;top:calc(100% + 6px);width:340px;max-height:420px;overflow:auto;z-index:1000;
  background:#fff;border:1px solid #d0d7de;border-radius:8px;box-shadow:0 8px 24px rgba(0,0,0,.12)}
.nk-inbox__header{display:flex;justify-content:space-between;align-items:center;padding:8px 12px;
  border-bottom:1px solid #d0d7de;font-weight:600}
.nk-inbox__mark-all{border:0;background:none;color:#0969da;cursor:pointer;font:inherit;font-weight:400}
.nk-inbox__mark-all:disabled{color:#8c959f;cursor:default}
.nk-inbox__list{list-style:none;margin:0;padding:0}
.nk-inbox__item{display:block;width:100%;text-align:left;border:0;border-bottom:1px solid #eaeef2;background:#fff;
  padding:10px 12px;cursor:pointer;font:inherit;color:inherit}
.nk-inbox__item[data-inbox-unread]{background:#f0f6ff}
.nk-inbox__item[data-inbox-unread] .nk-inbox__title::before{content:"";display:inline-block;width:8px;height:8px;
  margin-right:6px;border-radius:50%;background:#0969da}
.nk-inbox__title,.nk-inbox__body,.nk-inbox__time{display:block}
.nk-inbox__title{font-weight:600}
.nk-inbox__body{color:#57606a;white-space:pre-line}
.nk-inbox__time{color:#8c959f;font-size:12px}
.nk-inbox__empty{padding:16px 12px;color:#57606a}
.nk-inbox [hidden]{display:none!important}`;

function render(element, { onToggle, onMarkAll, onItem }) {
  const root = h('div', { class: 'nk-inbox', 'data-inbox': '' });
  const style = h('style', {}, STYLE);
  const badge = h('span', { class: 'nk-inbox__badge', 'data-inbox-badge': '', hidden: '' });
  const bell = h(
    'button',
    {
      type: 'button',
      class: 'nk-inbox__bell',
      'data-inbox-bell': '',
      'aria-haspopup': 'true',
      'aria-expanded': 'false',
    },
    bellIcon(),
    badge,
  );
  const markAll = h(
    'button',
    { type: 'button', class: 'nk-inbox__mark-all', 'data-inbox-mark-all': '' },
    'Mark all read',
  );
  const list = h('ul', { class: 'nk-inbox__list', 'data-inbox-list': '' });
  const panel = h(
    'div',
    { class: 'nk-inbox__panel', 'data-inbox-panel': '', hidden: '' },
    h('div', { class: 'nk-inbox__header' }, h('span', {}, 'Notifications'), markAll),
    list,
  );
  root.append(style, bell, panel);
  element.append(root);
  bell.addEventListener('click', onToggle);
  markAll.addEventListener('click', onMarkAll);
  let shown = [];
  list.addEventListener('click', (event) => {
    const item = event.target.closest('[data-inbox-item]');
    const message = item && shown.find((m) => m.id === item.dataset.id);
    if (message) onItem(message);
  });

  return {
    update({ open, counts, messages }) {
      shown = messages;
      badge.textContent = counts.unread > 99 ? '99+' : String(counts.unread);
      badge.hidden = !(counts.unread > 0);
      bell.setAttribute('aria-label', `Notifications, ${counts.unread} unread`);
      bell.setAttribute('aria-expanded', String(open));
      panel.hidden = !open;
      markAll.disabled = counts.unread === 0;
      if (!open) return;
      list.replaceChildren(...(messages.length ? messages.map(itemNode) : [emptyNode()]));
    },
    remove: () => root.remove(),
  };
}

function itemNode(message) {
  const attrs = { class: 'nk-inbox__item', 'data-inbox-item': '', 'data-id': message.id };
  if (!message.read) attrs['data-inbox-unread'] = '';
  const button = h(
    'button',
    { type: 'button', ...attrs },
    // spans: a button may only hold phrasing content
    message.title ? h('span', { class: 'nk-inbox__title' }, message.title) : '',
    message.body ? h('span', { class: 'nk-inbox__body' }, message.body) : '',
    h('span', { class: 'nk-inbox__time' }, formatTime(message.createdAt)),
  );
  return h('li', {}, button);
}

function emptyNode() {
  return h('li', { class: 'nk-inbox__empty', 'data-inbox-empty': '' }, 'No notifications yet');
}

function formatTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString();
}

function bellIcon() {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [name, value] of Object.entries({
    viewBox: '0 0 24 24',
    width: '20',
    height: '20',
    fill: 'none',
    stroke: 'currentColor',
    'stroke-width': '1.8',
    'stroke-linejoin': 'round',
    'aria-hidden': 'true',
  })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', 'M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zM10 19a2 2 0 0 0 4 0');
  svg.append(path);
  return svg;
}

/** A DOM element; strings become text nodes (never markup). */
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}
