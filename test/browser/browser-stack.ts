// What the browser tests share: a `wrangler dev` of their own (the Worker with its local queues and Durable Objects,
// on the test Postgres and provider stand-ins from test/global-setup.ts) with chromium, API calls with a key, the
// dashboard's sign-in through its form, and the page's own errors collected.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestWrangler } from '../helpers/test-wrangler';
import { launchChromium } from './chromium';

export interface BrowserStack {
  base: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** wrangler dev on `port` and chromium, started side by side; neither is left running if the other fails. */
export async function startBrowserStack(port: number): Promise<BrowserStack> {
  const base = `http://127.0.0.1:${port}`;
  // ENVIRONMENT=test (the helper's default): no Secure cookie, since chromium talks plain http to 127.0.0.1.
  const wrangler = startTestWrangler(port, {
    PUBLIC_BASE_URL: base,
    ALLOW_PRIVATE_WEBHOOK_TARGETS: 'on', // the webhook stand-in listens on 127.0.0.1
  });
  const launched = launchChromium();
  try {
    const [browser] = await Promise.all([launched, wrangler.ready]);
    return {
      base,
      browser,
      async stop() {
        await browser.close();
        await wrangler.stop();
      },
    };
  } catch (err) {
    await launched.then((b) => b.close()).catch(() => {});
    await wrangler.stop();
    throw err;
  }
}

/** `call(method, path, key?, body?)` against `base`: status, parsed body and raw text. */
export function apiCaller(base: string) {
  return async (method: string, urlPath: string, key?: string, body?: unknown) => {
    const res = await fetch(base + urlPath, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, text };
  };
}

/** Uncaught errors and console errors of `page` (a CSP refusal is one), to be asserted empty at the end. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (m) => {
    // Before sign-in the page asks who it is and hears 401; chromium logs that failed load.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) problems.push(m.text());
  });
  return problems;
}

/** Signs in with `key` through the form and waits for the dashboard. */
export async function signIn(page: Page, base: string, key: string) {
  await page.goto(`${base}/dashboard`);
  await page.waitForSelector('[data-section="sign-in"]:not([hidden])');
  await page.fill('#api-key', key);
  await page.click('[data-form="sign-in"] button[type="submit"]');
  await page.waitForSelector('[data-view="dashboard"]:not([hidden])');
}

/** Starts a stack on `port` before the file's tests and stops it after; the getter is valid inside tests. */
export function useBrowserStack(port: number): () => BrowserStack {
  let stack: BrowserStack | undefined;
  beforeAll(async () => {
    stack = await startBrowserStack(port);
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('the browser stack is used outside a test');
    return stack;
  };
}
