// notifykit dashboard: served as is at GET /dashboard/app.js (no build step, no dependencies, no CDN); the page is
// GET /dashboard. It signs in with an API key once (POST /dashboard/session sets an HttpOnly session cookie; the key
// is not kept) and then calls the public API with that cookie. Every section loads on its own: one failing call
// shows its error in its section and leaves the others alone. Data only ever reaches the page as text
// (textContent, text nodes, attributes), never as markup. API and dashboard: docs/analytics.md.

const RANGES_MS = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const CHANNELS = ['email', 'sms', 'push', 'chat', 'webhook', 'in_app'];
const COLORS = {
  email: '#2563eb',
  sms: '#16a34a',
  push: '#9333ea',
  chat: '#ea580c',
  webhook: '#db2777',
  in_app: '#0891b2',
  all: '#1f2328',
};
const UNHEALTHY_ERROR_RATE = 0.05; // provider rows above 5% errors are highlighted
const PAGE_SIZE = 20;
const SVG_NS = 'http://www.w3.org/2000/svg';

const state = { range: '7d', granularity: 'day', loads: new Map() };

// ---------- DOM helpers: everything from the API goes through these as text ----------

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'object' ? child : String(child)); // strings become text nodes
  }
  return node;
}

/** An HTML element: `h('td', { class: 'num' }, text)`. */
const h = (tag, attrs, ...children) => fill(document.createElement(tag), attrs, children);
/** An SVG element. */
const s = (tag, attrs, ...children) => fill(document.createElementNS(SVG_NS, tag), attrs, children);

const $ = (selector, root = document) => root.querySelector(selector);

// ---------- formatting ----------

const fmtInt = (n) => Number(n ?? 0).toLocaleString('en-US', { maximumFractionDigits: 0 });
const fmtPct = (r) => `${(Number(r ?? 0) * 100).toFixed(1)}%`;
const fmtMs = (n) => {
  if (n === null || n === undefined) return '—';
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(n < 10_000 ? 2 : 1)} s`;
};
const fmtMoney = (v, currency = 'USD') =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 6,
  }).format(Number(v ?? 0));
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const truncate = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** A short line of what a message says: its subject, title or text. */
function preview(content) {
  if (!content || typeof content !== 'object') return '';
  for (const key of ['subject', 'title', 'text', 'body']) {
    if (typeof content[key] === 'string' && content[key]) return truncate(content[key], 90);
  }
  return '';
}

const byChannel = (a, b) => CHANNELS.indexOf(a.channel) - CHANNELS.indexOf(b.channel);
const sum = (points) => points.reduce((total, p) => total + Number(p.value ?? 0), 0);

// ---------- the API ----------

class ApiFailure extends Error {
  constructor(status, body) {
    const e = body?.error;
    super(e ? `${e.message} (${status} ${e.code})` : `HTTP ${status}`);
    this.status = status;
    this.code = e?.code;
  }
}

/** Calls the API with the session cookie; a 401 from /v1 means the session is over (expired, key revoked). */
async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!res.ok) {
    if (res.status === 401 && path.startsWith('/v1/')) sessionEnded();
    throw new ApiFailure(res.status, parsed);
  }
  return parsed;
}

function period() {
  const to = new Date();
  const from = new Date(to.getTime() - RANGES_MS[state.range]);
  return { from: from.toISOString(), to: to.toISOString() };
}

const query = (params) => new URLSearchParams(params).toString();

const timeseries = (metric, p) =>
  api(`/v1/analytics/timeseries?${query({ metric, granularity: state.granularity, from: p.from, to: p.to })}`);

// ---------- sections ----------

/**
 * Loads one section: its status line says loading / the error; `data-state` (loading | ready | error) is for
 * tests and styles. A newer load of the same section wins over an older one still in flight.
 */
function runSection(name, load) {
  const root = $(`[data-section="${name}"]`);
  const status = $('[data-status]', root);
  const body = $('[data-body]', root);
  const token = (state.loads.get(name) ?? 0) + 1;
  state.loads.set(name, token);
  root.dataset.state = 'loading';
  status.hidden = false;
  status.textContent = 'Loading…';
  Promise.resolve()
    .then(load)
    .then(
      (content) => {
        if (state.loads.get(name) !== token) return;
        body.replaceChildren(content);
        status.hidden = true;
        status.textContent = '';
        root.dataset.state = 'ready';
      },
      (err) => {
        if (state.loads.get(name) !== token) return;
        body.replaceChildren();
        status.textContent = `Could not load this section: ${err.message}`;
        root.dataset.state = 'error';
        if (!(err instanceof ApiFailure)) console.error('[notifykit dashboard]', err);
      },
    );
}

function refresh() {
  const p = period();
  const summary = api(`/v1/analytics/summary?${query(p)}`);
  summary.catch(() => {}); // each section that uses it reports the failure itself
  runSection('totals', () => totalsSection(summary));
  runSection('volume', () => volumeSection(p));
  runSection('delivery-rate', () => deliveryRateSection(p, summary));
  runSection('latency', () => latencySection(summary));
  runSection('cost', () => costSection(summary));
  runSection('providers', () => providersSection(p));
  runSection('notifications', notificationsSection);
  runSection('workflows', workflowsSection);
  runSection('dead-letters', deadLettersSection);
  runSection('sandbox', sandboxSection);
  runSection('webhooks', webhooksSection);
}

async function totalsSection(summary) {
  const { totals, currency } = await summary;
  const tiles = [
    ['accepted', 'Accepted', fmtInt],
    ['sent', 'Sent', fmtInt],
    ['delivered', 'Delivered', fmtInt],
    ['failed', 'Failed', fmtInt],
    ['bounced', 'Bounced', fmtInt],
    ['suppressed', 'Suppressed', fmtInt],
    ['deadLettered', 'Dead-lettered', fmtInt],
    ['deliveryRate', 'Delivery rate', fmtPct],
    ['openRate', 'Open rate', fmtPct],
    ['clickRate', 'Click rate', fmtPct],
    ['cost', 'Cost', (v) => fmtMoney(v, currency)],
  ];
  return h(
    'div',
    { class: 'kpis' },
    tiles.map(([key, label, format]) =>
      h(
        'div',
        { class: 'kpi', 'data-kpi': key, 'data-value': totals[key] ?? 0 },
        h('div', { class: 'label' }, label),
        h('div', { class: 'value' }, format(totals[key])),
      ),
    ),
  );
}

async function volumeSection(p) {
  const [accepted, sent] = await Promise.all([timeseries('accepted', p), timeseries('sent', p)]);
  const lines = [];
  for (const [metric, answer, dashed] of [
    ['accepted', accepted, true],
    ['sent', sent, false],
  ]) {
    for (const series of [...answer.series].sort(byChannel)) {
      lines.push({ metric, channel: series.channel, dashed, points: series.points });
    }
  }
  const legend = [];
  for (const metric of ['accepted', 'sent']) {
    const mine = lines.filter((l) => l.metric === metric);
    const total = mine.reduce((t, l) => t + sum(l.points), 0);
    legend.push({
      metric,
      channel: 'all',
      dashed: metric === 'accepted',
      value: total,
      text: `${metric}: ${fmtInt(total)}`,
    });
    for (const l of mine) {
      const value = sum(l.points);
      legend.push({
        metric,
        channel: l.channel,
        dashed: l.dashed,
        value,
        text: `${l.channel} ${metric}: ${fmtInt(value)}`,
      });
    }
  }
  return h('div', {}, lineChart('volume', lines, { format: fmtInt }), legendList(legend));
}

async function deliveryRateSection(p, summary) {
  const [rates, accepted, { totals, channels }] = await Promise.all([
    timeseries('delivery_rate', p),
    timeseries('accepted', p),
    summary,
  ]);
  // Buckets without traffic answer 0; drawn as 0% they would read as an outage, so they are gaps.
  const busy = new Set(
    accepted.series.flatMap((series) =>
      series.points.filter((pt) => pt.value > 0).map((pt) => `${series.channel} ${new Date(pt.t).getTime()}`),
    ),
  );
  const lines = [...rates.series].sort(byChannel).map((series) => ({
    metric: 'delivery_rate',
    channel: series.channel,
    points: series.points.map((pt) =>
      busy.has(`${series.channel} ${new Date(pt.t).getTime()}`) ? pt : { t: pt.t, value: null },
    ),
  }));
  const legend = [
    {
      metric: 'delivery_rate',
      channel: 'all',
      value: totals.deliveryRate,
      text: `all: ${fmtPct(totals.deliveryRate)}`,
    },
    ...[...channels].sort(byChannel).map((c) => ({
      metric: 'delivery_rate',
      channel: c.channel,
      value: c.deliveryRate,
      text: `${c.channel}: ${fmtPct(c.deliveryRate)}`,
    })),
  ];
  return h('div', {}, lineChart('delivery-rate', lines, { format: fmtPct, yMax: 1 }), legendList(legend));
}

const LATENCIES = [
  ['sentP50Ms', 'sent p50'],
  ['sentP95Ms', 'sent p95'],
  ['deliveredP50Ms', 'delivered p50'],
  ['deliveredP95Ms', 'delivered p95'],
];

async function latencySection(summary) {
  const { totals, channels } = await summary;
  const rows = [{ channel: 'all', latency: totals.latency }, ...[...channels].sort(byChannel)];
  const bars = [];
  for (const row of rows) {
    bars.push({
      key: `${row.channel}:sentP50Ms`,
      label: `${row.channel} p50`,
      value: row.latency?.sentP50Ms ?? null, // null: no samples, shown as — like the table
      channel: row.channel,
      light: true,
    });
    bars.push({
      key: `${row.channel}:sentP95Ms`,
      label: `${row.channel} p95`,
      value: row.latency?.sentP95Ms ?? null,
      channel: row.channel,
    });
  }
  const table = h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'channel'),
          LATENCIES.map(([, label]) => h('th', { class: 'num' }, label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            { 'data-channel': row.channel },
            h('td', {}, row.channel),
            LATENCIES.map(([key]) =>
              h(
                'td',
                { class: 'num', 'data-metric': key, 'data-value': row.latency?.[key] ?? 0 },
                fmtMs(row.latency?.[key]),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'hint' },
      'Accepted → sent (bars); accepted → sent and → delivered (table). Upper bound of the bucket.',
    ),
    barChart('latency', bars, { format: fmtMs }),
    table,
  );
}

async function costSection(summary) {
  const { totals, channels, currency } = await summary;
  const sorted = [...channels].sort(byChannel);
  const bars = sorted.map((c) => ({ key: c.channel, label: c.channel, value: c.cost ?? 0, channel: c.channel }));
  const legend = [
    { metric: 'cost', channel: 'all', value: totals.cost, text: `total: ${fmtMoney(totals.cost, currency)}` },
    ...sorted.map((c) => ({
      metric: 'cost',
      channel: c.channel,
      value: c.cost,
      text: `${c.channel}: ${fmtMoney(c.cost, currency)}`,
    })),
  ];
  return h(
    'div',
    {},
    barChart('cost', bars, { format: (v) => fmtMoney(v, currency) }),
    legendList(legend),
    await monthToDate(),
  );
}

/** This month's spend and budget (GET /v1/usage): a line under the cost chart that may fail on its own. */
async function monthToDate() {
  try {
    const usage = await api('/v1/usage');
    const budget = usage.budget?.monthly;
    const parts = [`${usage.month}: ${fmtInt(usage.deliveries)} deliveries, ${fmtMoney(usage.cost, usage.currency)}`];
    if (budget !== null && budget !== undefined) {
      parts.push(`of a ${fmtMoney(budget, usage.currency)} budget${usage.budget.hardStop ? ' (hard stop)' : ''}`);
    }
    return h('p', { class: 'hint', 'data-usage': '', 'data-value': usage.cost }, parts.join(' '));
  } catch (err) {
    return h('p', { class: 'hint row-error', 'data-usage-error': '' }, `Month to date unavailable: ${err.message}`);
  }
}

async function providersSection(p) {
  const { data } = await api(`/v1/analytics/providers?${query(p)}`);
  if (data.length === 0) return h('p', { class: 'status' }, 'No provider attempts in this period, and no problems.');
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { 'data-table': 'providers' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['provider', 'channel'].map((t) => h('th', {}, t)),
          ['attempts', 'errors', 'error rate', 'p50', 'p95'].map((t) => h('th', { class: 'num' }, t)),
          h('th', {}, 'problem'),
        ),
      ),
      h(
        'tbody',
        {},
        data.map((row) => {
          const unhealthy = row.errorRate > UNHEALTHY_ERROR_RATE;
          return h(
            'tr',
            {
              'data-provider': row.provider,
              'data-channel': row.channel,
              'data-config': row.providerConfigId,
              'data-error-rate': row.errorRate,
              'data-unhealthy': unhealthy,
              'data-misconfigured': Boolean(row.problem),
              class: unhealthy || row.problem ? 'bad' : undefined,
              title: unhealthy ? `More than ${UNHEALTHY_ERROR_RATE * 100}% of attempts failed` : undefined,
            },
            h('td', {}, row.provider),
            h('td', {}, row.channel),
            h('td', { class: 'num' }, fmtInt(row.attempts)),
            h('td', { class: 'num' }, fmtInt(row.errors)),
            h('td', { class: 'num' }, fmtPct(row.errorRate)),
            h('td', { class: 'num' }, fmtMs(row.latencyP50Ms)),
            h('td', { class: 'num' }, fmtMs(row.latencyP95Ms)),
            problemCell(row.problem),
          );
        }),
      ),
    ),
  );
}

/**
 * A configuration's open provider-health problem: an account-side error its sends end with (never a suppression),
 * until it delivers again.
 */
function problemCell(problem) {
  if (!problem) return h('td');
  return h(
    'td',
    {
      class: 'row-error',
      'data-problem': problem.code,
      'data-problem-count': problem.count,
      title: `${problem.message}\nfirst seen ${problem.firstSeenAt}, last seen ${problem.lastSeenAt}`,
    },
    `${problem.code} (${fmtInt(problem.count)}× since ${problem.firstSeenAt.slice(0, 16).replace('T', ' ')})`,
  );
}

/**
 * A table filled page by page from a list route (`{ data, next }`), with "Load more". `head` is the column titles
 * (`{ num: title }` for a right-aligned number column); `row(item, list)` returns the row(s) for one item, the main
 * one marked `data-row`; `list.sync()` updates the empty note after a removal.
 */
async function pagedTable(path, { name, head, row, empty }) {
  const tbody = h('tbody');
  const table = h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { 'data-table': name },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((t) => (typeof t === 'string' ? h('th', {}, t) : h('th', { class: 'num' }, t.num))),
        ),
      ),
      tbody,
    ),
  );
  const emptyNote = h('p', { class: 'status', 'data-empty': '' }, empty);
  const more = h('button', { type: 'button', class: 'more', 'data-action': 'more' }, 'Load more');
  const moreError = h('span', { class: 'row-error' });
  let next = null;
  const list = {
    sync() {
      const count = tbody.querySelectorAll('tr[data-row]').length;
      emptyNote.hidden = count > 0;
      table.hidden = count === 0;
    },
  };
  async function load(after) {
    const page = await api(after ? `${path}&after=${encodeURIComponent(after)}` : path);
    for (const item of page.data) tbody.append(...[row(item, list)].flat());
    next = page.next;
    more.hidden = !next;
    list.sync();
  }
  more.addEventListener('click', async () => {
    more.disabled = true;
    moreError.textContent = '';
    try {
      await load(next);
    } catch (err) {
      moreError.textContent = ` ${err.message}`;
    } finally {
      more.disabled = false;
    }
  });
  await load(null);
  return h('div', {}, table, emptyNote, h('div', {}, more, moreError));
}

/**
 * A row's details, loaded when `toggle` is first pressed into a row after it (`data-drill-for`, with `data-state`
 * loading | ready | error); later presses hide and show it, and a failed load is tried again. `load` resolves to
 * the nodes to show.
 */
function drillDown(tr, toggle, id, colspan, load) {
  let drill = null;
  toggle.addEventListener('click', () => {
    if (drill?.dataset.state === 'error') {
      drill.remove();
      drill = null;
    }
    if (drill) {
      drill.hidden = !drill.hidden;
      toggle.setAttribute('aria-expanded', String(!drill.hidden));
      return;
    }
    const cell = h('td', { colspan }, h('span', { class: 'status' }, 'Loading…'));
    const opened = h('tr', { class: 'drill', 'data-drill-for': id, 'data-state': 'loading' }, cell);
    drill = opened;
    tr.after(opened);
    toggle.setAttribute('aria-expanded', 'true');
    Promise.resolve()
      .then(load)
      .then(
        (nodes) => {
          cell.replaceChildren(...nodes);
          opened.dataset.state = 'ready';
        },
        (err) => {
          cell.replaceChildren(h('span', { class: 'row-error' }, `Could not load: ${err.message}`));
          opened.dataset.state = 'error';
          if (!(err instanceof ApiFailure)) console.error('[notifykit dashboard]', err);
        },
      );
  });
}

function statusesOf(deliveries) {
  return deliveries.map((d) => `${d.channel}: ${d.status}`).join(', ');
}

function notificationsSection() {
  return pagedTable(`/v1/notifications?limit=${PAGE_SIZE}`, {
    name: 'notifications',
    // What a glance needs first: on a phone the rest is a sideways scroll inside the card.
    head: ['', 'status', 'content', 'deliveries', 'created', 'id'],
    empty: 'No notifications yet.',
    row: (n) => {
      const toggle = h('button', { type: 'button', 'data-action': 'details', 'aria-expanded': 'false' }, 'Attempts');
      const tr = h(
        'tr',
        { 'data-row': '', 'data-notification-id': n.id, 'data-status': n.status },
        h('td', {}, toggle),
        h('td', {}, n.status),
        h('td', { class: 'text', 'data-col': 'content' }, preview(n.content)),
        h('td', { class: 'text' }, statusesOf(n.deliveries)),
        h('td', { class: 'time' }, fmtTime(n.createdAt)),
        h('td', { class: 'id' }, n.id),
      );
      drillDown(tr, toggle, n.id, 6, async () => {
        const full = await api(`/v1/notifications/${encodeURIComponent(n.id)}`);
        const used = full.template
          ? [h('p', { 'data-template': '' }, `Template ${full.template.key} v${full.template.version}`)]
          : [];
        return full.deliveries.length === 0
          ? [...used, 'No deliveries.']
          : [...used, ...full.deliveries.map(deliveryDetails)];
      });
      return tr;
    },
  });
}

/**
 * Who a delivery went to, as the tenant knows them: `recipient` is the subscriber's own id (or the inline address);
 * the address follows when it says more. An in_app address is our internal subscriber id, which means nothing to
 * the tenant.
 */
function deliveredTo(d) {
  const extra = d.channel !== 'in_app' && d.address && d.address !== d.recipient;
  return extra ? `${d.recipient} (${d.address})` : d.recipient;
}

function deliveryDetails(d) {
  const facts = [
    `${d.channel} → ${deliveredTo(d)}`,
    d.status,
    `${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'}`,
    d.provider ? `via ${d.provider}` : null,
    d.lastError ? `last error ${d.lastError.code}: ${d.lastError.message}` : null,
  ].filter(Boolean);
  return h(
    'div',
    { 'data-delivery-id': d.id, 'data-status': d.status },
    h('p', {}, h('strong', {}, d.id), ` ${facts.join(' · ')}`),
    d.attempts.length === 0
      ? h('p', { class: 'status' }, 'No attempts yet.')
      : h(
          'div',
          { class: 'scroll' },
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['#', 'started', 'provider', 'outcome', 'code', 'duration', 'error'].map((t) => h('th', {}, t)),
              ),
            ),
            h(
              'tbody',
              {},
              d.attempts.map((a) =>
                h(
                  'tr',
                  {
                    'data-attempt': a.attemptNo,
                    'data-outcome': a.outcome,
                    class: a.outcome.endsWith('error') ? 'bad' : undefined,
                  },
                  h('td', {}, a.attemptNo),
                  h('td', { class: 'time' }, fmtTime(a.startedAt)),
                  h('td', {}, a.provider),
                  h('td', {}, a.outcome),
                  h('td', {}, a.responseCode ?? '—'),
                  h('td', { class: 'num' }, fmtMs(a.durationMs)),
                  h('td', { class: 'text' }, a.error ? `${a.error.code}: ${a.error.message}` : ''),
                ),
              ),
            ),
          ),
        ),
  );
}

function deadLettersSection() {
  return pagedTable(`/v1/dead-letters?limit=${PAGE_SIZE}`, {
    name: 'dead-letters',
    head: ['', 'channel', 'recipient', 'last error', 'attempts', 'dead-lettered', 'delivery'],
    empty: 'No dead letters.',
    row: (d, list) => {
      const button = h('button', { type: 'button', 'data-action': 'replay', 'data-id': d.id }, 'Replay');
      const error = h('div', { class: 'row-error', 'data-row-error': '' });
      const tr = h(
        'tr',
        { 'data-row': '', 'data-dead-letter-id': d.id },
        h('td', {}, button, error),
        h('td', {}, d.channel),
        h('td', { class: 'text' }, d.recipient),
        h('td', { class: 'text' }, d.lastError ? `${d.lastError.code}: ${d.lastError.message}` : ''),
        h('td', { class: 'num' }, d.attemptCount),
        h('td', { class: 'time' }, fmtTime(d.deadLetteredAt)),
        h('td', { class: 'id' }, d.id),
      );
      button.addEventListener('click', async () => {
        button.disabled = true;
        button.textContent = 'Replaying…';
        error.textContent = '';
        try {
          // Replay only re-enqueues what is still dead-lettered, so the row goes either way.
          await api('/v1/dead-letters/replay', { method: 'POST', body: { ids: [d.id] } });
          tr.remove();
          list.sync();
        } catch (err) {
          button.disabled = false;
          button.textContent = 'Replay';
          error.textContent = err.message;
        }
      });
      return tr;
    },
  });
}

function sandboxSection() {
  return pagedTable(`/v1/sandbox/messages?limit=${PAGE_SIZE}`, {
    name: 'sandbox',
    head: ['created', 'channel', 'to', 'message'],
    empty: 'No sandbox messages (they come from sends with a test key).',
    row: (m) =>
      h(
        'tr',
        { 'data-row': '', 'data-sandbox-id': m.id },
        h('td', { class: 'time' }, fmtTime(m.createdAt)),
        h('td', {}, m.channel),
        h('td', { class: 'text' }, m.address || m.recipient),
        h('td', { class: 'text' }, preview(m.message)),
      ),
  });
}

async function webhooksSection() {
  const { data } = await api(`/v1/webhook-endpoints?limit=${PAGE_SIZE}`);
  if (data.length === 0) return h('p', { class: 'status' }, 'No webhook endpoints.');
  return h('ul', { class: 'plain' }, data.map(endpointItem));
}

function endpointItem(e) {
  const attempts = h('div', { 'data-attempts': '' }, h('span', { class: 'status' }, 'Loading attempts…'));
  const li = h(
    'li',
    { 'data-endpoint-id': e.id, 'data-enabled': e.enabled },
    h('div', { class: 'text' }, h('strong', {}, e.url)),
    h(
      'div',
      { class: 'hint' },
      [
        e.enabled ? 'enabled' : `disabled${e.disabledReason ? ` (${e.disabledReason})` : ''}`,
        e.events.length ? `${e.events.length} event types` : 'all events',
        e.failingSince ? `failing since ${fmtTime(e.failingSince)}` : null,
        e.description,
      ]
        .filter(Boolean)
        .join(' · '),
    ),
    attempts,
  );
  api(`/v1/webhook-endpoints/${encodeURIComponent(e.id)}/attempts?limit=5`).then(
    ({ data }) => {
      attempts.replaceChildren(
        data.length === 0
          ? h('span', { class: 'status' }, 'No attempts yet.')
          : h(
              'div',
              { class: 'scroll' },
              h(
                'table',
                {},
                h(
                  'tbody',
                  {},
                  data.map((a) =>
                    h(
                      'tr',
                      {
                        'data-attempt-id': a.id,
                        'data-outcome': a.outcome,
                        class: a.outcome === 'failed' ? 'bad' : undefined,
                      },
                      h('td', { class: 'time' }, fmtTime(a.startedAt)),
                      h('td', {}, a.eventType),
                      h('td', {}, `#${a.attemptNo}`),
                      h('td', {}, a.statusCode ?? a.outcome),
                      h('td', { class: 'num' }, fmtMs(a.durationMs)),
                      h('td', { class: 'text' }, a.error ?? ''),
                    ),
                  ),
                ),
              ),
            ),
      );
    },
    (err) => attempts.replaceChildren(h('span', { class: 'row-error' }, `Attempts unavailable: ${err.message}`)),
  );
  return li;
}

// ---------- workflows: run counts per workflow, recent runs, a run's timeline ----------

const RUN_STATUSES = ['running', 'waiting', 'completed', 'canceled', 'digested', 'throttled', 'failed'];
const BAD_STATUSES = new Set(['failed']);

/**
 * The tenant's workflows with their runs by status, and the recent runs under them. "Runs" on a workflow narrows
 * the runs to it (pressed again, back to all); "Timeline" on a run opens its steps.
 */
async function workflowsSection() {
  const runs = h('div', { 'data-runs': '' });
  const filter = { key: null, token: 0 };
  const buttons = [];
  const showRuns = async (key) => {
    filter.key = key;
    const token = ++filter.token;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.workflow === key));
    runs.dataset.state = 'loading';
    runs.dataset.workflow = key ?? '';
    const title = h('h3', { class: 'sub' }, key ? `Recent runs of ${key}` : 'Recent runs (all workflows)');
    const path = `/v1/workflow-runs?${query(key ? { limit: PAGE_SIZE, workflow: key } : { limit: PAGE_SIZE })}`;
    try {
      const table = await runsTable(path);
      if (filter.token !== token) return null;
      runs.replaceChildren(title, table);
      runs.dataset.state = 'ready';
      return null;
    } catch (err) {
      if (filter.token !== token) return null;
      runs.replaceChildren(title, h('p', { class: 'row-error' }, `Could not load the runs: ${err.message}`));
      runs.dataset.state = 'error';
      return err;
    }
  };
  const [workflows, runsFailed] = await Promise.all([
    pagedTable(`/v1/workflows?limit=${PAGE_SIZE}`, {
      name: 'workflows',
      head: ['', 'key', 'name', 'published', ...RUN_STATUSES.map((status) => ({ num: status }))],
      empty: 'No workflows yet.',
      row: (w) => {
        const button = h(
          'button',
          {
            type: 'button',
            'data-action': 'workflow-runs',
            'data-workflow': w.key,
            'aria-pressed': String(filter.key === w.key),
          },
          'Runs',
        );
        buttons.push(button);
        button.addEventListener('click', () => showRuns(filter.key === w.key ? null : w.key));
        return h(
          'tr',
          { 'data-row': '', 'data-workflow-key': w.key, 'data-workflow-id': w.id },
          h('td', {}, button),
          h('td', { class: 'id' }, w.key),
          h('td', { class: 'text' }, w.name),
          h('td', {}, w.publishedVersion === null ? 'draft only' : `v${w.publishedVersion}`),
          RUN_STATUSES.map((status) =>
            h('td', { class: 'num', 'data-runs-status': status, 'data-value': w.runs[status] }, fmtInt(w.runs[status])),
          ),
        );
      },
    }),
    showRuns(null),
  ]);
  if (runsFailed) throw runsFailed; // the first load fails the section; a later one only its own list
  return h('div', {}, workflows, runs);
}

function runsTable(path) {
  return pagedTable(path, {
    name: 'workflow-runs',
    head: ['', 'status', 'workflow', 'subscriber', 'at step', 'created', 'finished', 'id'],
    empty: 'No runs.',
    row: (r) => {
      const toggle = h('button', { type: 'button', 'data-action': 'timeline', 'aria-expanded': 'false' }, 'Timeline');
      const tr = h(
        'tr',
        {
          'data-row': '',
          'data-run-id': r.id,
          'data-status': r.status,
          class: BAD_STATUSES.has(r.status) ? 'bad' : undefined,
        },
        h('td', {}, toggle),
        h('td', {}, r.status),
        h('td', {}, `${r.workflow} v${r.version}`),
        h('td', { class: 'text' }, r.subscriberId),
        h('td', { class: 'text' }, runWhere(r)),
        h('td', { class: 'time' }, fmtTime(r.createdAt)),
        h('td', { class: 'time' }, fmtTime(r.finishedAt)),
        h('td', { class: 'id' }, r.id),
      );
      drillDown(tr, toggle, r.id, 8, async () => {
        const full = await api(`/v1/workflow-runs/${encodeURIComponent(r.id)}`);
        return [
          runFacts(full),
          full.steps.length === 0 ? h('p', { class: 'status' }, 'No steps yet.') : timeline(full),
        ];
      });
      return tr;
    },
  });
}

/** Where a run is: the step it runs or waits at (and until when), or why it ended. */
function runWhere(r) {
  if (r.error) return `${r.error.code}: ${r.error.message}`;
  if (!r.currentStep) return '—';
  return r.wakeAt ? `${r.currentStep} until ${fmtTime(r.wakeAt)}` : r.currentStep;
}

function runFacts(r) {
  const facts = [
    `${r.workflow} v${r.version} for ${r.subscriberId}`,
    r.status,
    r.mode,
    r.cancellationKey ? `cancellation key ${r.cancellationKey}` : null,
    r.error ? `${r.error.code}: ${r.error.message}` : null,
  ].filter(Boolean);
  return h('p', { 'data-run-facts': '' }, h('strong', {}, r.id), ` ${facts.join(' · ')}`);
}

/** A run's steps in the order they started, one row each. */
function timeline(r) {
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { 'data-table': 'timeline' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['step', 'type', 'status', 'started', 'finished', 'reason', 'notification', 'output'].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        r.steps.map((step) =>
          h(
            'tr',
            {
              'data-step-id': step.stepId,
              'data-step-type': step.type,
              'data-status': step.status,
              class: BAD_STATUSES.has(step.status) ? 'bad' : undefined,
            },
            h('td', { class: 'id' }, step.stepId),
            h('td', {}, step.type),
            h('td', {}, step.status),
            h('td', { class: 'time' }, fmtTime(step.startedAt)),
            h('td', { class: 'time' }, fmtTime(step.finishedAt)),
            h('td', { class: 'text' }, step.reason ?? ''),
            h('td', { class: 'id', 'data-col': 'notification' }, step.notificationId ?? ''),
            h('td', { class: 'text' }, step.output ? truncate(JSON.stringify(step.output), 120) : ''),
          ),
        ),
      ),
    ),
  );
}

// ---------- charts (SVG, drawn here: no library, nothing fetched from elsewhere) ----------

/** A round step so that 4 of them cover `max`; counts never get fractional ticks. */
function niceTop(max, integers) {
  if (!(max > 0)) return integers ? 4 : 1;
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((v) => v >= raw);
  if (integers) step = Math.max(1, Math.ceil(step));
  return step * 4;
}

function timeLabel(t) {
  const iso = new Date(t).toISOString();
  return state.granularity === 'hour' ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(5, 10);
}

/** Lines over time: `lines` = [{ metric, channel, dashed?, points: [{ t, value }] }]. */
function lineChart(name, lines, { format, yMax }) {
  const W = 640;
  const H = 240;
  const L = 56;
  const R = 14;
  const T = 12;
  const B = 28;
  const times = [...new Set(lines.flatMap((l) => l.points.map((p) => new Date(p.t).getTime())))].sort((a, b) => a - b);
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `${name} over time`,
    'data-chart': name,
    'data-points': times.length,
    'data-series': lines.length,
  });
  const wrap = h('div', { class: 'chart' }, svg);
  if (times.length === 0 || lines.length === 0) {
    svg.append(
      s(
        'text',
        { x: W / 2, y: H / 2, 'text-anchor': 'middle', fill: '#57606a', 'font-size': 14 },
        'No data in this period',
      ),
    );
    return wrap;
  }
  const max = Math.max(0, ...lines.flatMap((l) => l.points.map((p) => Number(p.value ?? 0))));
  const top = yMax === undefined ? niceTop(max, format === fmtInt) : Math.max(yMax, max);
  const plotW = W - L - R;
  const plotH = H - T - B;
  const index = new Map(times.map((t, i) => [t, i]));
  const x = (i) => (times.length === 1 ? L + plotW / 2 : L + (i * plotW) / (times.length - 1));
  const y = (v) => T + plotH - (Number(v) / top) * plotH;
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    svg.append(
      s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#d0d7de', 'stroke-width': 1 }),
      s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#57606a' }, format(v)),
    );
  }
  // A label centred on the last point would run past the right edge, so that one ends at its point instead. Hour
  // labels are twice as wide as day labels: fewer of them keep that last one clear of its neighbour.
  const every = Math.max(1, Math.ceil(times.length / (state.granularity === 'hour' ? 5 : 6)));
  times.forEach((t, i) => {
    if (i % every !== 0) return;
    const anchor = times.length > 1 && i === times.length - 1 ? 'end' : 'middle';
    svg.append(s('text', { x: x(i), y: H - 8, 'text-anchor': anchor, 'font-size': 11, fill: '#57606a' }, timeLabel(t)));
  });
  const dots = times.length <= 48;
  for (const line of lines) {
    const color = COLORS[line.channel] ?? '#888';
    const points = [...line.points].sort((a, b) => new Date(a.t) - new Date(b.t));
    const at = (p) => `${x(index.get(new Date(p.t).getTime())).toFixed(1)},${y(p.value).toFixed(1)}`;
    // A null value lifts the pen: the line has a gap there instead of a misleading zero.
    const d = points
      .map((p, i) => (p.value === null ? '' : `${i > 0 && points[i - 1].value !== null ? 'L' : 'M'}${at(p)}`))
      .filter(Boolean)
      .join(' ');
    svg.append(
      s('path', {
        d,
        fill: 'none',
        stroke: color,
        'stroke-width': 2,
        'stroke-dasharray': line.dashed ? '5 4' : undefined,
        'data-metric': line.metric,
        'data-channel': line.channel,
        'data-total': sum(points),
      }),
    );
    points.forEach((p, i) => {
      if (p.value === null) return;
      const isolated = points[i - 1]?.value == null && points[i + 1]?.value == null;
      if (!dots && !isolated) return;
      svg.append(
        s(
          'circle',
          { cx: x(index.get(new Date(p.t).getTime())), cy: y(p.value), r: 2.5, fill: color },
          s('title', {}, `${line.channel} ${line.metric} ${timeLabel(p.t)}: ${format(p.value)}`),
        ),
      );
    });
  }
  return wrap;
}

/** Horizontal bars: [{ key, label, value, channel, light? }]; a null value (nothing measured) has no bar, just —. */
function barChart(name, bars, { format }) {
  const W = 640;
  const L = 120;
  const R = 110;
  const row = 22;
  const H = Math.max(1, bars.length) * row + 8;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': name,
    'data-chart': name,
    'data-bars': bars.length,
  });
  const wrap = h('div', { class: 'chart' }, svg);
  if (bars.length === 0) {
    svg.append(
      s(
        'text',
        { x: W / 2, y: H / 2 + 4, 'text-anchor': 'middle', fill: '#57606a', 'font-size': 14 },
        'No data in this period',
      ),
    );
    return wrap;
  }
  const max = Math.max(0, ...bars.map((b) => Number(b.value ?? 0))) || 1;
  bars.forEach((b, i) => {
    const top = 4 + i * row;
    const measured = b.value !== null && b.value !== undefined;
    const width = measured ? (Number(b.value) / max) * (W - L - R) : 0;
    svg.append(s('text', { x: L - 8, y: top + 14, 'text-anchor': 'end', 'font-size': 12, fill: '#1f2328' }, b.label));
    if (measured) {
      svg.append(
        s('rect', {
          x: L,
          y: top + 3,
          width: Math.max(width, 1).toFixed(1),
          height: row - 8,
          rx: 2,
          fill: COLORS[b.channel] ?? '#888',
          'fill-opacity': b.light ? 0.45 : 1,
          'data-bar': b.key,
          'data-value': b.value,
        }),
      );
    }
    svg.append(
      s(
        'text',
        { x: L + width + 6, y: top + 14, 'font-size': 12, fill: '#57606a', 'data-bar-text': b.key },
        measured ? format(b.value) : '—',
      ),
    );
  });
  return wrap;
}

/** The legend: one item per series, its total as text and, for tests and tools, as `data-value`. */
function legendList(items) {
  return h(
    'ul',
    { class: 'legend', 'data-legend': '' },
    items.map((item) =>
      h(
        'li',
        {
          class: `ch-${item.channel}`,
          'data-metric': item.metric,
          'data-channel': item.channel,
          'data-value': item.value ?? 0,
        },
        h('span', { class: item.dashed ? 'swatch dashed' : 'swatch', 'aria-hidden': 'true' }),
        item.text,
      ),
    ),
  );
}

// ---------- sign-in, sign-out, controls ----------

function show(view, message) {
  const signIn = $('[data-section="sign-in"]');
  const main = $('[data-view="dashboard"]');
  const controls = $('[data-controls]');
  signIn.hidden = view !== 'sign-in';
  main.hidden = view !== 'dashboard';
  controls.hidden = view !== 'dashboard';
  if (view === 'sign-in') {
    $('[data-error]', signIn).textContent = message ?? '';
    $('#api-key').focus();
  }
}

let signedIn = false;

function sessionEnded() {
  if (!signedIn) return;
  signedIn = false;
  show('sign-in', 'Your session has ended (it expired, or its API key was revoked or rolled). Sign in again.');
}

function enter(me) {
  signedIn = true;
  // Names for people; the ids stay in the tooltip for support requests.
  const who = $('[data-whoami]');
  who.replaceChildren(
    h('strong', { 'data-tenant-name': '' }, me.tenantName ?? me.tenantId),
    ` · ${me.mode} key “${me.keyName ?? me.keyId}”`,
  );
  who.title = `tenant ${me.tenantId} · key ${me.keyId}`;
  show('dashboard');
  refresh();
}

function wire() {
  const form = $('[data-form="sign-in"]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const input = $('#api-key');
    const button = $('button[type="submit"]', form);
    button.disabled = true;
    $('[data-error]', form).textContent = '';
    try {
      const me = await api('/dashboard/session', { method: 'POST', body: { apiKey: input.value } });
      input.value = ''; // the key is done with: the cookie stands in for it from now on
      enter(me);
    } catch (err) {
      $('[data-error]', form).textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  $('[data-action="sign-out"]').addEventListener('click', async () => {
    signedIn = false;
    try {
      await api('/dashboard/logout', { method: 'POST' });
    } catch {}
    show('sign-in');
  });
  $('[data-action="refresh"]').addEventListener('click', refresh);
  $('[data-control="range"]').addEventListener('change', (event) => {
    state.range = event.target.value;
    refresh();
  });
  for (const button of document.querySelectorAll('[data-granularity]')) {
    button.addEventListener('click', () => {
      state.granularity = button.dataset.granularity;
      for (const b of document.querySelectorAll('[data-granularity]')) {
        b.setAttribute('aria-pressed', String(b === button));
      }
      refresh();
    });
  }
}

async function start() {
  wire();
  try {
    enter(await api('/dashboard/session'));
  } catch (err) {
    show('sign-in', err instanceof ApiFailure && err.status === 401 ? '' : err.message);
  }
}

start();
