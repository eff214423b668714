// End to end in a real browser: `wrangler dev` (the Worker with its local queues and Durable Objects, on the test
// Postgres from test/global-setup.ts), the demo page in chromium, a notification sent through the API arriving live.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiCaller, useBrowserStack } from './browser-stack';

const PORT = 8797; // dev uses 8787; a port of its own so both can run
const SCREENSHOT = path.resolve('.artifacts/browser/inbox.png');

describe('in-app inbox demo page in chromium', () => {
  const stack = useBrowserStack(PORT);
  const call = apiCaller(`http://127.0.0.1:${PORT}`);

  it('shows a notification sent through the API live, and a click marks it read', async () => {
    const signup = await call('POST', '/v1/tenants', undefined, {
      name: 'Browser test',
      email: 'browser@example.test',
    });
    expect(signup.status, signup.text).toBe(201);
    const key = signup.body.apiKey.key as string;
    expect((await call('PUT', '/v1/subscribers/kim', key, {})).status).toBeLessThan(300);
    const minted = await call('POST', '/v1/subscribers/kim/token', key, { ttlSeconds: 600 });
    expect(minted.status, minted.text).toBe(201);
    const token = minted.body.token as string;

    const page = await stack().browser.newPage({ viewport: { width: 900, height: 560 } });
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (m) => (m.type() === 'warning' || m.type() === 'error' ? problems.push(m.text()) : undefined));
    // The socket is the point of the test: wait for the server's first `counts`, so the send below is seen live.
    const framesSent: string[] = [];
    const socketReady = new Promise<void>((resolve) => {
      page.on('websocket', (ws) => {
        ws.on('framesent', (f) => framesSent.push(String(f.payload)));
        ws.on('framereceived', (f) => {
          if (JSON.parse(String(f.payload)).type === 'counts') resolve();
        });
      });
    });
    await page.goto(`${stack().base}/demo/inbox#token=${token}`);
    await page.waitForSelector('[data-inbox-bell]');
    await socketReady;
    const badge = page.locator('[data-inbox-badge]');
    expect(await badge.isVisible()).toBe(false);

    const sent = await call('POST', '/v1/notifications', key, {
      to: 'kim',
      channels: ['in_app'],
      content: { title: 'Invoice <b>paid</b>', body: 'Thanks for your payment.' },
    });
    expect(sent.status, sent.text).toBe(202);

    await expect.poll(() => badge.textContent(), { timeout: 15_000 }).toBe('1');
    expect(await badge.isVisible()).toBe(true);
    expect(await page.title()).toBe('(1) notifykit inbox demo'); // the demo's onChange
    await page.click('[data-inbox-bell]');
    const item = page.locator('[data-inbox-item]');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getAttribute('data-inbox-unread')).toBe('');
    expect(await item.textContent()).toContain('Invoice <b>paid</b>'); // shown as text, not markup
    const id = await item.getAttribute('data-id');
    expect(id).toMatch(/^dlv_/);

    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-unread.png') });

    await item.click();
    await expect.poll(() => framesSent).toContain(`{"type":"mark","ids":["${id}"],"state":"read"}`);
    await expect.poll(() => badge.isVisible(), { timeout: 5_000 }).toBe(false);
    await expect.poll(() => item.getAttribute('data-inbox-unread')).toBeNull();
    const counts = await call('GET', '/v1/inbox/counts', token);
    expect(counts.status, counts.text).toBe(200);
    expect(counts.body).toMatchObject({ unread: 0, unseen: 0 });

    await page.screenshot({ path: SCREENSHOT });
    expect(problems).toEqual([]);
  });
});
