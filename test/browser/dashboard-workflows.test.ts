// The dashboard's workflows section in chromium: a workflow triggered through the API shows with its run counts,
// its run opens into the timeline of its steps, the runs narrow to one workflow and back, and a hostile workflow
// name stays text.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiCaller, signIn, useBrowserStack, watchProblems } from './browser-stack';

const PORT = 8792; // dev 8787, dashboard-display 8793, OpenAPI lint 8794, docs 8795, … dashboard 8798, promtool 8799
const BASE = `http://127.0.0.1:${PORT}`;
const SHOTS = path.resolve('.artifacts/browser');
const HOSTILE = '<img src=x onerror="window.__xss=1">Welcome';
const call = apiCaller(BASE);

async function settled(page: Page, selector: string) {
  const node = page.locator(selector);
  await expect.poll(() => node.getAttribute('data-state'), { timeout: 15_000 }).not.toBe('loading');
  if ((await node.getAttribute('data-state')) !== 'ready') {
    throw new Error(`${selector}: ${await node.textContent()}`);
  }
}

describe('dashboard workflows in chromium', () => {
  const stack = useBrowserStack(PORT);

  it('lists workflows with run counts, opens a run into its steps, narrows the runs to one workflow', async () => {
    const signup = await call('POST', '/v1/tenants', undefined, { name: 'Flows Co', email: 'flows@example.test' });
    expect(signup.status, signup.text).toBe(201);
    const key = signup.body.apiKey.key as string;
    expect((await call('PUT', '/v1/subscribers/kim-7', key, { email: 'kim@example.test' })).status).toBeLessThan(300);
    const define = async (body: Record<string, unknown>) => {
      const created = await call('POST', '/v1/workflows', key, body);
      expect(created.status, created.text).toBe(201);
      const published = await call('POST', `/v1/workflows/${body.key}/publish`, key, {});
      expect(published.status, published.text).toBe(200);
    };
    await define({
      key: 'welcome',
      name: HOSTILE,
      steps: [
        { id: 'inbox', type: 'send', channel: 'in_app', content: { title: 'Welcome', body: 'Hi {{ name }}' } },
        { id: 'wait', type: 'delay', duration: '1h' },
        { id: 'nudge', type: 'send', channel: 'in_app', content: { title: 'Still there?', body: 'Hi again' } },
      ],
    });
    await define({ key: 'idle', name: 'Never triggered', steps: [{ id: 'w', type: 'delay', duration: '1m' }] });

    const triggered = await call('POST', '/v1/workflows/welcome/trigger', key, { to: 'kim-7', data: { name: 'Kim' } });
    expect(triggered.status, triggered.text).toBe(202);
    const runId = triggered.body.runs[0].id as string;
    // The send has happened and the delay holds the run: a timeline of two steps, one waiting.
    await expect
      .poll(async () => (await call('GET', `/v1/workflow-runs/${runId}`, key)).body.status, { timeout: 20_000 })
      .toBe('waiting');
    const run = (await call('GET', `/v1/workflow-runs/${runId}`, key)).body;
    const sent = run.steps.find((s: any) => s.stepId === 'inbox');
    expect(sent).toMatchObject({ status: 'completed', notificationId: expect.stringMatching(/^ntf_/) });
    const listed = (await call('GET', '/v1/workflows', key)).body.data;
    expect(listed.find((w: any) => w.key === 'welcome').runs).toMatchObject({ waiting: 1, completed: 0 });

    const context = await stack().browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await signIn(page, BASE, key);
    await settled(page, '[data-section="workflows"]');
    const section = page.locator('[data-section="workflows"]');

    // ---- each workflow: key, name as text, published version, its runs by status ----
    const welcome = section.locator('tr[data-workflow-key="welcome"]');
    expect(await welcome.textContent()).toContain(HOSTILE);
    expect(await welcome.textContent()).toContain('v1');
    for (const status of ['running', 'waiting', 'completed', 'canceled', 'digested', 'throttled', 'failed']) {
      const cell = welcome.locator(`[data-runs-status="${status}"]`);
      expect(await cell.getAttribute('data-value'), status).toBe(status === 'waiting' ? '1' : '0');
      expect(await cell.textContent(), status).toBe(status === 'waiting' ? '1' : '0');
    }
    expect(await section.locator('tr[data-workflow-key="idle"] [data-runs-status="waiting"]').textContent()).toBe('0');
    expect(await section.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    // ---- the recent runs, and one run's timeline ----
    const row = section.locator(`tr[data-run-id="${runId}"]`);
    expect(await row.getAttribute('data-status')).toBe('waiting');
    expect(await row.textContent()).toContain('kim-7');
    expect(await row.textContent()).toContain('welcome v1');
    await row.locator('[data-action="timeline"]').click();
    const drill = section.locator(`[data-drill-for="${runId}"]`);
    await expect.poll(() => drill.getAttribute('data-state')).toBe('ready');
    const steps = drill.locator('tr[data-step-id]');
    expect(await steps.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step-id')))).toEqual([
      'inbox',
      'wait',
    ]);
    const inbox = drill.locator('tr[data-step-id="inbox"]');
    expect(await inbox.getAttribute('data-status')).toBe('completed');
    expect(await inbox.getAttribute('data-step-type')).toBe('send');
    expect(await inbox.locator('[data-col="notification"]').textContent()).toBe(sent.notificationId);
    const wait = drill.locator('tr[data-step-id="wait"]');
    expect(await wait.getAttribute('data-status')).toBe('waiting');
    expect(await wait.textContent()).toContain('delay');
    fs.mkdirSync(SHOTS, { recursive: true });
    await section.screenshot({ path: path.join(SHOTS, 'dashboard-workflows.png') });
    await row.locator('[data-action="timeline"]').click(); // closes it again
    expect(await drill.isVisible()).toBe(false);

    // ---- the runs narrowed to one workflow, and back to all ----
    const runs = section.locator('[data-runs]');
    await section.locator('[data-action="workflow-runs"][data-workflow="idle"]').click();
    await expect.poll(() => runs.getAttribute('data-workflow')).toBe('idle');
    await settled(page, '[data-section="workflows"] [data-runs]');
    expect(await runs.locator('tr[data-run-id]').count()).toBe(0);
    expect(await runs.locator('[data-empty]').isVisible()).toBe(true);
    expect(await runs.locator('h3').textContent()).toContain('idle');
    const welcomeButton = section.locator('[data-action="workflow-runs"][data-workflow="welcome"]');
    await welcomeButton.click();
    await expect.poll(() => runs.getAttribute('data-workflow')).toBe('welcome');
    await settled(page, '[data-section="workflows"] [data-runs]');
    expect(await welcomeButton.getAttribute('aria-pressed')).toBe('true');
    expect(await runs.locator(`tr[data-run-id="${runId}"]`).count()).toBe(1);
    await welcomeButton.click(); // pressed again: every workflow's runs
    await expect.poll(() => runs.getAttribute('data-workflow')).toBe('');
    await settled(page, '[data-section="workflows"] [data-runs]');
    expect(await welcomeButton.getAttribute('aria-pressed')).toBe('false');
    expect(await runs.locator(`tr[data-run-id="${runId}"]`).count()).toBe(1);

    expect(problems).toEqual([]); // a CSP refusal would be a console error
    await context.close();
  });
});
