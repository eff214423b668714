// The API reference at /docs in chromium, as a machine without internet sees it: `wrangler dev` on its own port,
// every request the page makes recorded, and any that is not for 127.0.0.1 refused (as offline) and reported. The
// page must render every operation of /openapi.json, run "Try it out" against this origin, and break no CSP rule.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBrowserStack } from './browser-stack';

const PORT = 8795; // dev 8787, request-trace 8796, inbox demo 8797, dashboard 8798
const BASE = `http://127.0.0.1:${PORT}`;
const SHOT = path.resolve('.artifacts/browser/docs.png');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('API reference (/docs) in chromium', () => {
  const stack = useBrowserStack(PORT);

  it('renders every operation from this origin alone, offline, within its CSP', async () => {
    const doc = (await (await fetch(`${BASE}/openapi.json`)).json()) as {
      info: { title: string };
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.values(doc.paths).flatMap((ops) => Object.keys(ops).filter((m) => METHODS.includes(m)));
    expect(operations.length).toBeGreaterThan(60);

    const context = await stack().browser.newContext({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const elsewhere: string[] = [];
    // Every request of the page and its workers; anything not for this origin fails as it would offline.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      if (new URL(url).origin === BASE) return route.continue();
      elsewhere.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await context.newPage();
    page.on('websocket', (ws) => elsewhere.push(ws.url()));
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (m) => (m.type() === 'error' ? problems.push(`console: ${m.text()}`) : undefined));
    // Runs before the page's scripts and outside its CSP: collects every violation the policy reports.
    await page.addInitScript(`window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`);

    const res = await page.goto(`${BASE}/docs`);
    expect(res?.status()).toBe(200);
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 15_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\nrequests elsewhere: ${elsewhere.join(' ')}\nproblems: ${problems.join(' | ')}`);
    });
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await page.textContent('.swagger-ui .info .title')).toContain(doc.info.title);
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 15_000 }).toBe(operations.length);
    const shown = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.getAttribute('data-path')));
    expect(new Set(shown)).toEqual(new Set(Object.keys(doc.paths)));

    // "Try it out" on GET /health: the request goes to this origin and its answer is shown.
    const health = page.locator('.opblock-get', { has: page.locator('.opblock-summary-path[data-path="/health"]') });
    await health.locator('.opblock-summary').click();
    await health.locator('.try-out__btn').click();
    await health.locator('.execute').click();
    await expect
      .poll(() => health.locator('.live-responses-table tbody .response-col_status').textContent(), {
        timeout: 10_000,
      })
      .toContain('200');

    fs.mkdirSync(path.dirname(SHOT), { recursive: true });
    await page.screenshot({ path: SHOT });
    expect(await page.evaluate('window.__csp')).toEqual([]);
    expect(problems).toEqual([]);
    expect(elsewhere).toEqual([]);
    expect(requests).toContain(`${BASE}/health`);
    expect(requests.every((url) => url.startsWith(`${BASE}/`))).toBe(true);
    await context.close();
  });
});
