// promtool (Prometheus' own checker) on what operators load: the alert rules and their unit tests, every query of
// the Grafana dashboard, and the live /metrics and /v1/metrics of a `wrangler dev` on the test Postgres.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import { METRIC_NAMES } from '../../src/domain/metrics/families';
import { startTestWrangler, type TestWrangler } from '../helpers/test-wrangler';
import { TEST_METRICS_TOKEN } from '../test-db';

const PORT = 8799; // dev 8787, browser tests 8797/8798
const BASE = `http://127.0.0.1:${PORT}`;
const DASHBOARDS = path.resolve('dashboards');

/** Runs promtool, or skips the test saying why it cannot (only when the binary is truly missing). */
function promtool(ctx: TestContext, args: string[], input?: string) {
  const available = inject('promtool');
  if (available.missing !== undefined) ctx.skip(available.missing);
  const run = spawnSync(available.path!, args, { input, encoding: 'utf8', cwd: DASHBOARDS });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The metric names a PromQL expression reads (`foo_total{…}`, `rate(foo_bucket[5m])`), functions excluded. */
function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""');
  return [...withoutStrings.matchAll(/\b(notifykit_[a-z_]+)\b/g)].map((m) => m[1]!);
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JavaScript template
const PANEL_DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

const knownSeries = new Set(METRIC_NAMES.flatMap((n) => [n, `${n}_bucket`, `${n}_count`, `${n}_sum`]));

describe('alert rules', () => {
  it('dashboards/alerts.yml passes promtool check rules', (ctx) => {
    const run = promtool(ctx, ['check', 'rules', 'alerts.yml']);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS: 5 rules found');
  });

  it('each alert fires on its pattern and stays quiet under its floor (promtool test rules)', (ctx) => {
    const run = promtool(ctx, ['test', 'rules', 'alerts.test.yml']);
    expect(run.status, run.output).toBe(0);
  });

  it('rules carry for, a severity and summary/description, and read only metrics notifykit exports', () => {
    const text = fs.readFileSync(path.join(DASHBOARDS, 'alerts.yml'), 'utf8');
    const names = [...text.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(names).toEqual([
      'HighNotificationFailureRate',
      'HighQueueBacklog',
      'ProviderApiErrors',
      'DeadLettersGrowing',
      'WebhookEndpointFailing',
    ]);
    for (const block of text.split('- alert: ').slice(1)) {
      expect(block).toMatch(/\n\s+for: \d+m\n/);
      expect(block).toMatch(/\n\s+severity: (critical|warning)\n/);
      expect(block).toMatch(/\n\s+summary: /);
      expect(block).toMatch(/\n\s+description: /);
      for (const m of metricsIn(block)) expect(knownSeries, m).toContain(m);
    }
  });
});

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(fs.readFileSync(path.join(DASHBOARDS, 'notifykit.json'), 'utf8'));
  const panels = (dashboard.panels as any[]).filter((p) => p.type !== 'row');
  const exprs = panels.flatMap((p) => (p.targets as any[]).map((t) => ({ panel: p.title as string, expr: t.expr })));

  it('has a datasource variable that every panel uses, and the sections asked for', () => {
    const vars = dashboard.templating.list as any[];
    expect(vars.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual(PANEL_DATASOURCE);
      for (const t of p.targets) expect(t.datasource, p.title).toEqual(PANEL_DATASOURCE);
    }
    const rows = (dashboard.panels as any[]).filter((p) => p.type === 'row').map((p) => p.title);
    expect(rows).toEqual(['Volume', 'Delivery rate', 'Latency', 'Backlog and dead letters', 'Providers', 'Webhooks']);
    expect(exprs.some((e) => e.expr.startsWith('histogram_quantile(0.95'))).toBe(true);
    const ids = (dashboard.panels as any[]).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every query is valid PromQL over metrics notifykit exports', (ctx) => {
    for (const { panel, expr } of exprs) {
      for (const m of metricsIn(expr)) expect(knownSeries, `${panel}: ${m}`).toContain(m);
    }
    // Grafana's variables replaced by what they expand to; promtool parses each query as a recording rule.
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: exprs.map((e, i) => ({
            record: `dashboard:query_${i}`,
            expr: e.expr.replaceAll('$__rate_interval', '5m').replaceAll('$job', '.*').replaceAll('$channel', '.*'),
          })),
        },
      ],
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'notifykit-dashboard-')), 'queries.yml');
    fs.writeFileSync(file, JSON.stringify(rules)); // JSON is YAML
    const run = promtool(ctx, ['check', 'rules', file]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});

describe('live /metrics from wrangler dev', () => {
  let wrangler: TestWrangler;
  let key: string;

  async function call(method: string, urlPath: string, headers: Record<string, string> = {}, body?: unknown) {
    const res = await fetch(BASE + urlPath, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  beforeAll(async () => {
    wrangler = startTestWrangler(PORT, { METRICS_TOKEN: TEST_METRICS_TOKEN });
    await wrangler.ready;

    // A tenant with two sends through the sandbox (test key), so every kind of row exists.
    const signup = await call('POST', '/v1/tenants', {}, { name: 'Metrics scrape', email: 'metrics@example.test' });
    expect(signup.status, signup.text).toBe(201);
    key = JSON.parse(signup.text).apiKey.key;
    const auth = { authorization: `Bearer ${key}` };
    for (const to of ['a@example.test', 'b@example.test']) {
      const sent = await call('POST', '/v1/notifications', auth, {
        to: { email: to },
        content: { subject: 'Hi', text: 'x' },
      });
      expect(sent.status, sent.text).toBe(202);
      const id = JSON.parse(sent.text).id;
      const deadline = Date.now() + 20_000;
      let status = '';
      while (status !== 'sent' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        status = JSON.parse((await call('GET', `/v1/notifications/${id}`, auth)).text).deliveries[0].status;
      }
      expect(status, `delivery of ${id}`).toBe('sent');
    }
  }, 90_000);

  afterAll(async () => {
    await wrangler?.stop();
  });

  it('GET /metrics with the operator token passes promtool check metrics', async (ctx) => {
    const res = await call('GET', '/metrics', { authorization: `Bearer ${TEST_METRICS_TOKEN}` });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const name of METRIC_NAMES) expect(res.text).toContain(`# TYPE ${name} `);
    expect(res.text).toMatch(/^notifykit_deliveries_total\{channel="email",provider="sandbox",status="sent"\} [1-9]/m);
    const run = promtool(ctx, ['check', 'metrics'], res.text);
    expect(run.status, `${run.output}\n${res.text}`).toBe(0);
    expect(run.output.trim()).toBe('');
  });

  it("GET /v1/metrics (the tenant's own) passes too, with this tenant's exact figures", async (ctx) => {
    const res = await call('GET', '/v1/metrics', { authorization: `Bearer ${key}` });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain('\nnotifykit_notifications_accepted_total 2\n');
    expect(res.text).toContain('\nnotifykit_deliveries_total{channel="email",provider="sandbox",status="sent"} 2\n');
    expect(res.text).toContain('\nnotifykit_accept_to_sent_seconds_count{channel="email"} 2\n');
    const run = promtool(ctx, ['check', 'metrics'], res.text);
    expect(run.status, `${run.output}\n${res.text}`).toBe(0);
    expect(run.output.trim()).toBe('');
  });

  it('refuses a scrape without the token with the JSON envelope', async () => {
    const res = await call('GET', '/metrics');
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text).error.code).toBe('invalid_metrics_token');
  });
});
