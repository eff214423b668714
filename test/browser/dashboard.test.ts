// The dashboard end to end in chromium: `wrangler dev` on its own port (the Worker with its local queues, on the
// test Postgres and provider stand-ins from test/global-setup.ts), a tenant seeded through the API, sign-in
// through the form, the numbers on the page against the analytics API, a dead letter replayed from the page, and
// a phone-sized screen without sideways scrolling.
import fs from 'node:fs';
import path from 'node:path';
// @ts-expect-error pg ships no types and the project has no @types/pg
import pg from 'pg';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { TEST_DB, TEST_STAND_INS } from '../test-db';
import { apiCaller, useBrowserStack, watchProblems } from './browser-stack';

const PORT = 8798; // dev 8787, the inbox demo test 8797, dashboard-display 8793
const BASE = `http://127.0.0.1:${PORT}`;
const SHOTS = path.resolve('.artifacts/browser');
const SECTIONS = [
  'totals',
  'volume',
  'delivery-rate',
  'latency',
  'cost',
  'providers',
  'notifications',
  'workflows',
  'dead-letters',
  'sandbox',
  'webhooks',
];
const HOSTILE = '<img src=x onerror="window.__xss=1">Order shipped';

const call = apiCaller(BASE);

/** The HTTP stand-in answers `/hooks/<name>` with `status` from now on (test/stand-ins/provider-stand-in.mjs). */
async function scriptHook(name: string, status: number) {
  const res = await fetch(`${TEST_STAND_INS.baseUrl}/_control/script/${name}`, {
    method: 'POST',
    body: JSON.stringify({ responses: [], otherwise: { status } }),
  });
  expect(res.status).toBe(200);
  return `${TEST_STAND_INS.baseUrl}/hooks/${name}`;
}

async function waitFor(key: string, id: string, done: (n: any) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last: any;
  while (Date.now() < deadline) {
    last = (await call('GET', `/v1/notifications/${id}`, key)).body;
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`notification ${id} did not reach the expected state: ${JSON.stringify(last)}`);
}
const settled = (status: string) => (n: any) =>
  n?.deliveries?.length > 0 && n.deliveries.every((d: any) => d.status === status);

/** Each section's `data-state`, with the error text of any that failed. */
async function sectionStates(page: Page) {
  const states: Record<string, string | null> = {};
  for (const name of SECTIONS) {
    const section = page.locator(`[data-section="${name}"]`);
    const state = await section.getAttribute('data-state');
    states[name] = state === 'error' ? `error: ${await section.locator('[data-status]').textContent()}` : state;
  }
  return states;
}

const sectionsSettled = async (page: Page) =>
  Object.values(await sectionStates(page)).every((s) => s === 'ready' || s?.startsWith('error'));

const dataValue = async (page: Page, selector: string) => Number(await page.getAttribute(selector, 'data-value'));

describe('dashboard in chromium', () => {
  const stack = useBrowserStack(PORT);

  it('signs in, shows the analytics the API reports, replays a dead letter, fits a phone', async () => {
    // ---- seed: sandbox sends (test key), webhook sends that succeed and fail (live key), one dead letter ----
    const signup = await call('POST', '/v1/tenants', undefined, { name: 'Dashboard test', email: 'dash@example.test' });
    expect(signup.status, signup.text).toBe(201);
    const testKey = signup.body.apiKey.key as string;
    const live = await call('POST', '/v1/api-keys', testKey, { name: 'live', mode: 'live', scopes: ['admin'] });
    expect(live.status, live.text).toBe(201);
    const liveKey = live.body.key as string;
    const run = crypto.randomUUID().slice(0, 8);
    const okHook = await scriptHook(`dash-ok-${run}`, 200);
    const badHook = await scriptHook(`dash-bad-${run}`, 404);
    const deadHook = await scriptHook(`dash-dead-${run}`, 404);
    const endpoint = await call('POST', '/v1/webhook-endpoints', liveKey, {
      url: await scriptHook(`dash-events-${run}`, 200),
    });
    expect(endpoint.status, endpoint.text).toBe(201);
    expect((await call('PUT', '/v1/subscribers/ada', testKey, { email: 'ada@example.test' })).status).toBeLessThan(300);

    const send = async (key: string, body: unknown) => {
      const res = await call('POST', '/v1/notifications', key, body);
      expect(res.status, res.text).toBe(202);
      return res.body.id as string;
    };
    const sandboxIds = await Promise.all(
      ['Welcome', 'Receipt', HOSTILE].map((subject) =>
        send(testKey, { to: 'ada', content: { subject, text: 'Hi Ada' } }),
      ),
    );
    const hook = (url: string) => ({ to: { webhookUrl: url }, content: { body: 'event' } });
    const okId = await send(liveKey, hook(okHook));
    const failedIds = [await send(liveKey, hook(badHook)), await send(liveKey, hook(badHook))];
    const deadId = await send(liveKey, hook(deadHook));
    await Promise.all([
      ...sandboxIds.map((id) => waitFor(testKey, id, settled('sent'))),
      waitFor(liveKey, okId, settled('sent')),
      ...[...failedIds, deadId].map((id) => waitFor(liveKey, id, settled('failed'))),
    ]);
    // Producing a real dead letter takes nine attempts through wrangler dev's local queues (with production backoff),
    // far too slow here; the DLQ consumer's path is covered in the workers project (notifications.retries). So the
    // last failed delivery is marked dead-lettered directly in the test database, as the DLQ consumer would.
    const deadDelivery = (await call('GET', `/v1/notifications/${deadId}`, liveKey)).body.deliveries[0].id as string;
    // A configuration with an open account-side problem, as the delivery pipeline records one (workers project:
    // providers.health); it has made no attempt, and the providers table lists it all the same.
    const misconfigured = await call('POST', '/v1/providers', liveKey, {
      channel: 'email',
      provider: 'sendgrid',
      name: 'Unverified sender',
      credentials: { apiKey: `SG.dash-${run}`, from: 'Acme <hello@acme.test>' },
    });
    expect(misconfigured.status, misconfigured.text).toBe(201);
    const problem = {
      code: 'sendgrid_403',
      message: 'The from address does not match a verified Sender Identity',
      firstSeenAt: new Date(Date.now() - 60_000).toISOString(),
      lastSeenAt: new Date().toISOString(),
      count: 3,
    };
    const db = new pg.Client({ connectionString: TEST_DB.url });
    await db.connect();
    try {
      const marked = await db.query(
        "UPDATE deliveries SET status = 'dead_lettered', dead_lettered_at = now(), updated_at = now() WHERE id = $1",
        [deadDelivery],
      );
      expect(marked.rowCount).toBe(1);
      const noted = await db.query('UPDATE provider_configs SET problem = $1 WHERE id = $2', [
        JSON.stringify(problem),
        misconfigured.body.id,
      ]);
      expect(noted.rowCount).toBe(1);
    } finally {
      await db.end();
    }
    await scriptHook(`dash-dead-${run}`, 200); // the endpoint recovers: the replay will go through

    // ---- sign in through the form ----
    const context = await stack().browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${BASE}/dashboard`);
    await page.waitForSelector('[data-section="sign-in"]:not([hidden])');
    expect(await page.isVisible('[data-controls]')).toBe(false);
    expect(await page.isVisible('[data-view="dashboard"]')).toBe(false);
    await page.fill('#api-key', 'nk_test_wrong');
    await page.click('[data-form="sign-in"] button[type="submit"]');
    await expect.poll(() => page.textContent('[data-error]')).toContain('invalid_api_key');
    fs.mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-signin.png') });
    await page.fill('#api-key', testKey);
    await page.click('[data-form="sign-in"] button[type="submit"]');
    await page.waitForSelector('[data-view="dashboard"]:not([hidden])');
    expect(await page.inputValue('#api-key')).toBe(''); // the key is not kept on the page

    const [cookie] = await context.cookies(BASE);
    expect(cookie).toMatchObject({ name: 'nk_session', httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
    expect(await page.evaluate('document.cookie')).toBe(''); // not readable by script
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);

    await expect.poll(() => sectionsSettled(page), { timeout: 15_000 }).toBe(true);
    expect(await sectionStates(page)).toEqual(Object.fromEntries(SECTIONS.map((n) => [n, 'ready'])));

    // ---- the numbers on the page are the API's ----
    const from = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date().toISOString())}`;
    const summary = (await call('GET', `/v1/analytics/summary?${range}`, testKey)).body;
    expect(summary.totals).toMatchObject({ accepted: 7, failed: 2, deadLettered: 1 });
    for (const key of ['accepted', 'sent', 'delivered', 'failed', 'deadLettered', 'deliveryRate', 'cost']) {
      expect(await dataValue(page, `[data-kpi="${key}"]`), key).toBe(summary.totals[key]);
    }
    expect(await page.textContent('[data-kpi="accepted"] .value')).toBe(String(summary.totals.accepted));

    const series = async (metric: string, granularity: string) =>
      (await call('GET', `/v1/analytics/timeseries?metric=${metric}&granularity=${granularity}&${range}`, testKey))
        .body;
    const total = (answer: any) =>
      answer.series.reduce((t: number, s: any) => t + s.points.reduce((u: number, p: any) => u + p.value, 0), 0);
    const [sentDaily, acceptedDaily] = await Promise.all([series('sent', 'day'), series('accepted', 'day')]);
    const volume = '[data-section="volume"]';
    expect(await dataValue(page, `${volume} [data-legend] [data-metric="sent"][data-channel="all"]`)).toBe(
      total(sentDaily),
    );
    expect(await dataValue(page, `${volume} [data-legend] [data-metric="accepted"][data-channel="all"]`)).toBe(
      summary.totals.accepted,
    );
    for (const s of acceptedDaily.series) {
      const channel = summary.channels.find((c: any) => c.channel === s.channel);
      expect(
        await dataValue(page, `${volume} [data-legend] [data-metric="accepted"][data-channel="${s.channel}"]`),
      ).toBe(channel.accepted);
    }
    expect(await page.locator(`${volume} svg[data-chart="volume"] path[data-metric]`).count()).toBe(
      sentDaily.series.length + acceptedDaily.series.length,
    );
    expect(Number(await page.getAttribute('svg[data-chart="volume"]', 'data-points'))).toBe(
      sentDaily.series[0].points.length,
    );
    expect(await dataValue(page, '[data-section="delivery-rate"] [data-legend] [data-channel="all"]')).toBe(
      summary.totals.deliveryRate,
    );
    expect(await dataValue(page, '[data-section="cost"] [data-legend] [data-channel="all"]')).toBe(summary.totals.cost);
    expect(await dataValue(page, '[data-section="latency"] tr[data-channel="all"] [data-metric="sentP95Ms"]')).toBe(
      summary.totals.latency.sentP95Ms,
    );

    const providers = (await call('GET', `/v1/analytics/providers?${range}`, testKey)).body.data;
    const unhealthy = providers.filter((p: any) => p.errorRate > 0.05).map((p: any) => `${p.channel}:${p.provider}`);
    expect(unhealthy.length).toBeGreaterThan(0); // 2 of the 3 webhook attempts failed
    const flagged = await page.$$eval('[data-section="providers"] tr[data-unhealthy]', (rows) =>
      rows.map((r) => `${r.getAttribute('data-channel')}:${r.getAttribute('data-provider')}`),
    );
    expect(flagged.sort()).toEqual(unhealthy.sort());
    const problemCell = page.locator(
      `[data-section="providers"] tr[data-config="${misconfigured.body.id}"][data-misconfigured] [data-problem]`,
    );
    expect(await problemCell.getAttribute('data-problem')).toBe(problem.code);
    expect(await problemCell.getAttribute('data-problem-count')).toBe('3');
    expect(await problemCell.textContent()).toContain(problem.code);

    // Hourly buckets: the chart is redrawn with one point per hour of the period.
    await page.click('[data-granularity="hour"]');
    await expect.poll(() => sectionsSettled(page), { timeout: 10_000 }).toBe(true);
    const sentHourly = await series('sent', 'hour');
    expect(Number(await page.getAttribute('svg[data-chart="volume"]', 'data-points'))).toBe(
      sentHourly.series[0].points.length,
    );
    expect(await dataValue(page, `${volume} [data-legend] [data-metric="sent"][data-channel="all"]`)).toBe(
      total(sentHourly),
    );

    // ---- lists: data shown as text, drill-down to attempts ----
    const hostileRow = page.locator('[data-section="notifications"] tr[data-row]', { hasText: 'onerror' });
    expect(await hostileRow.locator('[data-col="content"]').textContent()).toBe(HOSTILE);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('[data-section="notifications"] img').count()).toBe(0);
    await page.click(`[data-notification-id="${failedIds[0]}"] [data-action="details"]`);
    const drill = page.locator(`[data-drill-for="${failedIds[0]}"]`);
    await expect.poll(() => drill.getAttribute('data-state')).toBe('ready');
    expect(await drill.locator('tr[data-attempt]').count()).toBe(1);
    expect(await drill.locator('tr[data-attempt]').getAttribute('data-outcome')).toBe('permanent_error');
    expect(await drill.textContent()).toContain('http_404');
    expect(await page.locator('[data-section="sandbox"] tr[data-row]').count()).toBe(3);
    const endpointItem = page.locator(`[data-endpoint-id="${endpoint.body.id}"]`);
    await expect
      .poll(() => endpointItem.locator('tr[data-attempt-id]').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-desktop.png'), fullPage: true });

    // ---- replay the dead letter from the page ----
    const deadRow = page.locator(`[data-dead-letter-id="${deadDelivery}"]`);
    expect(await deadRow.count()).toBe(1);
    await deadRow.locator('[data-action="replay"]').click();
    await expect.poll(() => deadRow.count()).toBe(0);
    expect(await page.isVisible('[data-section="dead-letters"] [data-empty]')).toBe(true);
    expect((await call('GET', '/v1/dead-letters', liveKey)).body.data).toEqual([]);
    const replayed = await waitFor(liveKey, deadId, settled('sent'));
    expect(replayed.deliveries[0].replays).toBe(1);

    // ---- a phone: one column, nothing wider than the screen ----
    await page.setViewportSize({ width: 375, height: 812 });
    await page.click('[data-action="refresh"]');
    await expect.poll(() => sectionsSettled(page), { timeout: 10_000 }).toBe(true);
    // Strings, not functions: this project compiles without the DOM library.
    const widths = (await page.evaluate(`({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      columns: getComputedStyle(document.querySelector('.grid')).gridTemplateColumns.split(' ').length,
    })`)) as { scroll: number; client: number; columns: number };
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.columns).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone.png') });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone-full.png'), fullPage: true });
    await page
      .locator('[data-section="notifications"]')
      .screenshot({ path: path.join(SHOTS, 'dashboard-phone-notifications.png') });

    // ---- sign out: the cookie is gone ----
    await page.click('[data-action="sign-out"]');
    await page.waitForSelector('[data-section="sign-in"]:not([hidden])');
    expect(await page.isVisible('[data-view="dashboard"]')).toBe(false);
    expect(await context.cookies(BASE)).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
