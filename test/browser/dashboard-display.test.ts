// What the dashboard shows a person, in chromium: the tenant's own names and ids rather than internal ones, "—"
// rather than "0 ms" where nothing was measured, and chart labels that fit inside their chart at every period.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiCaller, signIn, useBrowserStack, watchProblems } from './browser-stack';

const PORT = 8793; // dev 8787, OpenAPI lint 8794, docs 8795, request-trace 8796, inbox demo 8797, dashboard 8798
const BASE = `http://127.0.0.1:${PORT}`;
const TENANT_NAME = 'Display <b>Co</b>';
const call = apiCaller(BASE);

/** Waits until each named section has loaded (or failed: then the test says which and why). */
async function settled(page: Page, ...names: string[]) {
  for (const name of names) {
    const section = page.locator(`[data-section="${name}"]`);
    await expect.poll(() => section.getAttribute('data-state'), { timeout: 15_000 }).not.toBe('loading');
    if ((await section.getAttribute('data-state')) !== 'ready') {
      throw new Error(`${name}: ${await section.locator(':scope > [data-status]').textContent()}`);
    }
  }
}

describe('dashboard display in chromium', () => {
  const stack = useBrowserStack(PORT);

  it('names the tenant, shows external ids, "—" for no samples, every chart label inside its chart', async () => {
    const signup = await call('POST', '/v1/tenants', undefined, { name: TENANT_NAME, email: 'display@example.test' });
    expect(signup.status, signup.text).toBe(201);
    const key = signup.body.apiKey.key as string;
    const tenantId = signup.body.tenant.id as string;
    expect((await call('PUT', '/v1/subscribers/kim-42', key, { email: 'kim@example.test' })).status).toBeLessThan(300);
    // kim has an inbox but no phone: the in_app delivery is sent, the sms one fails unsent, so sms has no latency.
    const sent = await call('POST', '/v1/notifications', key, {
      to: 'kim-42',
      channels: ['in_app', 'sms'],
      content: { title: 'Invoice paid', text: 'Thanks' },
    });
    expect(sent.status, sent.text).toBe(202);
    const id = sent.body.id as string;
    await expect
      .poll(async () => (await call('GET', `/v1/notifications/${id}`, key)).body.deliveries.map((d: any) => d.status))
      .toEqual(expect.arrayContaining(['sent', 'failed']));
    const range = new URLSearchParams({
      from: new Date(Date.now() - 7 * 86_400_000).toISOString(),
      to: new Date().toISOString(),
    });
    const summary = (await call('GET', `/v1/analytics/summary?${range}`, key)).body;
    expect(summary.channels.find((c: any) => c.channel === 'sms').latency.sentP50Ms).toBeNull();

    const context = await stack().browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, BASE, key);
    await settled(page, 'latency', 'notifications');

    // ---- the header names the tenant and the key (as text); the ids are only in its tooltip ----
    const who = page.locator('[data-whoami]');
    expect(await who.textContent()).toContain(TENANT_NAME);
    expect(await who.textContent()).toContain('Default test key');
    expect(await who.locator('[data-tenant-name]').textContent()).toBe(TENANT_NAME);
    expect(await who.textContent()).not.toContain(tenantId);
    expect(await who.getAttribute('title')).toContain(tenantId);
    expect(await page.locator('header b').count()).toBe(0);

    // ---- latency: nothing measured is "—" in the chart as in the table, and no bar ----
    const latency = page.locator('[data-section="latency"]');
    for (const metric of ['sentP50Ms', 'sentP95Ms']) {
      expect(await latency.locator(`tr[data-channel="sms"] [data-metric="${metric}"]`).textContent()).toBe('—');
      expect(await latency.locator(`rect[data-bar="sms:${metric}"]`).count()).toBe(0);
      expect(await latency.locator(`text[data-bar-text="sms:${metric}"]`).textContent()).toBe('—');
    }
    expect(await latency.locator('svg text', { hasText: /^0 ms$/ }).count()).toBe(0);
    expect(await latency.locator('rect[data-bar="in_app:sentP50Ms"]').count()).toBe(1); // measured: a bar

    // ---- the in_app drill-down names the subscriber by the tenant's id, not the internal sub_… ----
    await page.click(`[data-notification-id="${id}"] [data-action="details"]`);
    const drill = page.locator(`[data-drill-for="${id}"]`);
    await expect.poll(() => drill.getAttribute('data-state')).toBe('ready');
    const inApp = await drill.locator('[data-delivery-id]', { hasText: 'in_app' }).textContent();
    expect(inApp).toContain('in_app → kim-42');
    expect(inApp).not.toMatch(/sub_/);

    // ---- every chart's every label lies inside its chart, at each period and granularity ----
    for (const range of ['24h', '7d', '30d']) {
      for (const granularity of ['day', 'hour']) {
        await page.selectOption('[data-control="range"]', range);
        await page.click(`[data-granularity="${granularity}"]`);
        await settled(page, 'volume', 'delivery-rate', 'latency', 'cost');
        const charts = page.locator('svg[data-chart]');
        expect(await charts.count()).toBe(4);
        for (const chart of await charts.all()) {
          const box = (await chart.boundingBox())!;
          const name = `${await chart.getAttribute('data-chart')} ${range}/${granularity}`;
          const labels = await chart.locator('text').all();
          expect(labels.length, name).toBeGreaterThan(0);
          for (const label of labels) {
            const b = (await label.boundingBox())!;
            const where = `${name} "${await label.textContent()}" [${b.x}, ${b.x + b.width}] in [${box.x}, ${box.x + box.width}]`;
            expect(b.x, where).toBeGreaterThanOrEqual(box.x);
            expect(b.x + b.width, where).toBeLessThanOrEqual(box.x + box.width);
            expect(b.y, where).toBeGreaterThanOrEqual(box.y);
            expect(b.y + b.height, where).toBeLessThanOrEqual(box.y + box.height);
          }
        }
      }
    }

    expect(problems).toEqual([]); // a CSP refusal would be a console error
    await context.close();
  });
});
