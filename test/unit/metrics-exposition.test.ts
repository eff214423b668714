import { describe, expect, it } from 'vitest';
import type { MetricCount, MetricGauge } from '../../src/db/queries/metrics';
import {
  escapeLabelValue,
  formatValue,
  type MetricFamily,
  renderExposition,
} from '../../src/domain/metrics/exposition';
import { METRIC_NAMES, metricFamilies } from '../../src/domain/metrics/families';
import { idTime, idTimePrefix, newId } from '../../src/lib/ids';

describe('Prometheus text exposition', () => {
  it('writes HELP, TYPE and samples; escapes label values and help text', () => {
    const text = renderExposition([
      {
        name: 'x_requests_total',
        type: 'counter',
        help: 'Requests.\nSecond line with a \\ backslash',
        samples: [
          { labels: { path: 'a"b\\c\nd' }, value: 3 },
          { labels: {}, value: 0 },
        ],
      },
      { name: 'x_queue_depth', type: 'gauge', help: 'Depth.', samples: [{ labels: { lane: 'bulk' }, value: 2.5 }] },
    ]);
    expect(text).toBe(
      [
        '# HELP x_requests_total Requests.\\nSecond line with a \\\\ backslash',
        '# TYPE x_requests_total counter',
        'x_requests_total{path="a\\"b\\\\c\\nd"} 3',
        'x_requests_total 0',
        '# HELP x_queue_depth Depth.',
        '# TYPE x_queue_depth gauge',
        'x_queue_depth{lane="bulk"} 2.5',
        '',
      ].join('\n'),
    );
  });

  it('histograms: cumulative buckets with inclusive le, +Inf, _count; _sum only when known', () => {
    const text = renderExposition([
      {
        name: 'x_latency_seconds',
        type: 'histogram',
        help: 'Latency.',
        bounds: [0.05, 0.1, 2.5],
        series: [
          { labels: { channel: 'email' }, buckets: [1, 0, 2, 4] },
          { labels: { channel: 'sms' }, buckets: [0, 0, 0, 1], sum: 12.5 },
        ],
      },
    ]);
    expect(text.split('\n')).toEqual([
      '# HELP x_latency_seconds Latency.',
      '# TYPE x_latency_seconds histogram',
      'x_latency_seconds_bucket{channel="email",le="0.05"} 1',
      'x_latency_seconds_bucket{channel="email",le="0.1"} 1',
      'x_latency_seconds_bucket{channel="email",le="2.5"} 3',
      'x_latency_seconds_bucket{channel="email",le="+Inf"} 7',
      'x_latency_seconds_count{channel="email"} 7',
      'x_latency_seconds_bucket{channel="sms",le="0.05"} 0',
      'x_latency_seconds_bucket{channel="sms",le="0.1"} 0',
      'x_latency_seconds_bucket{channel="sms",le="2.5"} 0',
      'x_latency_seconds_bucket{channel="sms",le="+Inf"} 1',
      'x_latency_seconds_sum{channel="sms"} 12.5',
      'x_latency_seconds_count{channel="sms"} 1',
      '',
    ]);
  });

  it('refuses what Prometheus would reject or misread', () => {
    const counter = (name: string, value = 1, labels = {}): MetricFamily => ({
      name,
      type: 'counter',
      help: 'h',
      samples: [{ labels, value }],
    });
    expect(() => renderExposition([counter('x_total', -1)])).toThrow(/cannot be -1/);
    expect(() => renderExposition([counter('x_count')])).toThrow(/_total/);
    expect(() => renderExposition([{ name: 'x_total', type: 'gauge', help: 'h', samples: [] }])).toThrow(/_total/);
    expect(() => renderExposition([counter('9x_total')])).toThrow(/invalid metric name/);
    expect(() => renderExposition([counter('x_total', 1, { 'bad-label': 'v' })])).toThrow(/invalid label name/);
    expect(() => renderExposition([counter('x_total', 1, { __name__: 'v' })])).toThrow(/invalid label name/);
    expect(() => renderExposition([counter('x_total'), counter('x_total')])).toThrow(/twice/);
    const histogram = (bounds: number[], buckets: number[], labels = {}): MetricFamily => ({
      name: 'h_seconds',
      type: 'histogram',
      help: 'h',
      bounds,
      series: [{ labels, buckets }],
    });
    expect(() => renderExposition([histogram([1, 2], [1, 1])])).toThrow(/buckets/);
    expect(() => renderExposition([histogram([2, 1], [1, 1, 1])])).toThrow(/ascending/);
    expect(() => renderExposition([histogram([1], [1, 1], { le: '1' })])).toThrow(/reserved/);
    expect(renderExposition([])).toBe('');
  });

  it('values in Go float syntax', () => {
    expect([0, 7, 0.25, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(formatValue)).toEqual(
      ['0', '7', '0.25', '1e+21', 'NaN', '+Inf', '-Inf'],
    );
    expect(escapeLabelValue('plain')).toBe('plain');
  });
});

describe('metric families from counts and gauges', () => {
  const cell = (family: string, channel: string, provider: string, outcome: string, value: number): MetricCount => ({
    family,
    channel,
    provider,
    outcome,
    value,
  });
  const gauge = (
    kind: MetricGauge['kind'],
    channel: string,
    priority: string,
    status: string,
    count: number,
    provider = '',
  ) => ({
    kind,
    channel,
    provider,
    priority,
    status,
    count,
    oldestSeconds: count * 100.4,
  });
  const lines = (text: string, name: string) =>
    text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

  it('fills known label sets with zeros and keeps to bounded labels', () => {
    const text = renderExposition(
      metricFamilies(
        [
          cell('notifications', '', '', '', 4),
          cell('notifications', '', '', '', 1),
          cell('deliveries', 'email', 'smtp', 'accepted', 5),
          cell('deliveries', 'email', 'smtp', 'sent', 4),
          cell('deliveries', 'email', '', 'accepted', 1),
          cell('deliveries', 'email', '', 'suppressed', 1),
          cell('provider_attempts', 'email', 'smtp', 'retryable_error', 2),
          cell('provider_attempts', 'email', 'smtp', 'sent', 4),
          cell('webhook_attempts', '', '', 'failed', 3),
        ],
        [
          gauge('backlog', 'email', 'low', 'queued', 2),
          gauge('backlog', 'in_app', 'critical', 'sending', 1),
          gauge('dead_letters', 'sms', 'critical', '', 3),
          gauge('webhook_endpoints', '', '', 'failing', 1),
          gauge('provider_configs', 'push', '', 'misconfigured', 1, 'apns'),
          gauge('provider_configs', 'push', '', 'ok', 2, 'apns'),
          gauge('provider_configs', 'email', '', 'ok', 1, 'sendgrid'),
        ],
      ),
    );
    expect(lines(text, 'notifykit_notifications_accepted_total')).toEqual(['notifykit_notifications_accepted_total 5']);
    expect(lines(text, 'notifykit_deliveries_accepted_total')).toEqual([
      'notifykit_deliveries_accepted_total{channel="email"} 6',
    ]);
    const deliveries = lines(text, 'notifykit_deliveries_total');
    expect(deliveries).toHaveLength(12); // 2 channel/provider pairs × 6 statuses
    expect(deliveries).toContain('notifykit_deliveries_total{channel="email",provider="smtp",status="sent"} 4');
    expect(deliveries).toContain('notifykit_deliveries_total{channel="email",provider="smtp",status="failed"} 0');
    expect(deliveries).toContain('notifykit_deliveries_total{channel="email",provider="none",status="suppressed"} 1');
    expect(lines(text, 'notifykit_provider_attempts_total')).toEqual([
      'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="permanent_error"} 0',
      'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="retryable_error"} 2',
      'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="sent"} 4',
      'notifykit_provider_attempts_total{channel="email",provider="smtp",outcome="skipped"} 0',
    ]);
    expect(lines(text, 'notifykit_webhook_attempts_total')).toEqual([
      'notifykit_webhook_attempts_total{outcome="failed"} 3',
      'notifykit_webhook_attempts_total{outcome="succeeded"} 0',
    ]);
    // lanes from src/pipeline/lanes.ts: low → bulk, in_app → inbox whatever its priority
    const backlog = lines(text, 'notifykit_delivery_backlog');
    expect(backlog).toHaveLength(8);
    expect(backlog).toContain('notifykit_delivery_backlog{lane="bulk",status="queued"} 2');
    expect(backlog).toContain('notifykit_delivery_backlog{lane="inbox",status="sending"} 1');
    expect(backlog).toContain('notifykit_delivery_backlog{lane="critical",status="queued"} 0');
    expect(lines(text, 'notifykit_delivery_backlog_oldest_seconds')).toEqual([
      'notifykit_delivery_backlog_oldest_seconds{lane="bulk"} 201',
      'notifykit_delivery_backlog_oldest_seconds{lane="critical"} 0',
      'notifykit_delivery_backlog_oldest_seconds{lane="default"} 0',
      'notifykit_delivery_backlog_oldest_seconds{lane="inbox"} 100',
    ]);
    const dead = lines(text, 'notifykit_dead_letters');
    expect(dead).toHaveLength(16); // 5 channels × 3 provider lanes + in_app × inbox
    expect(dead).toContain('notifykit_dead_letters{channel="sms",lane="critical"} 3');
    expect(lines(text, 'notifykit_webhook_endpoints')).toEqual([
      'notifykit_webhook_endpoints{state="disabled"} 0',
      'notifykit_webhook_endpoints{state="failing"} 1',
      'notifykit_webhook_endpoints{state="healthy"} 0',
    ]);
    // configured providers without a problem are a 0 series, not a missing one
    expect(lines(text, 'notifykit_provider_misconfigured')).toEqual([
      'notifykit_provider_misconfigured{channel="email",provider="sendgrid"} 0',
      'notifykit_provider_misconfigured{channel="push",provider="apns"} 1',
    ]);
    // no tenant, key, delivery or endpoint ids anywhere
    const labelNames = new Set([...text.matchAll(/[{,]([a-z_]+)="/g)].map((m) => m[1]));
    expect([...labelNames].sort()).toEqual(['channel', 'lane', 'outcome', 'provider', 'state', 'status']);
    expect(text).not.toMatch(/="[a-z]{3}_[0-9a-z]{26}"/);
  });

  it('latency histograms from the roll-up buckets (ms bounds → seconds), per channel', () => {
    const text = renderExposition(
      metricFamilies(
        [
          cell('sent_latency', 'email', '', '0', 2), // < 50 ms
          cell('sent_latency', 'email', '', '3', 1), // 250–500 ms
          cell('sent_latency', 'email', '', '11', 1), // ≥ 300 s
          cell('sent_latency', 'email', '', '0', 1),
        ],
        [],
      ),
    );
    const buckets = lines(text, 'notifykit_accept_to_sent_seconds_bucket');
    expect(buckets).toHaveLength(12);
    expect(buckets[0]).toBe('notifykit_accept_to_sent_seconds_bucket{channel="email",le="0.05"} 3');
    expect(buckets[3]).toBe('notifykit_accept_to_sent_seconds_bucket{channel="email",le="0.5"} 4');
    expect(buckets[10]).toBe('notifykit_accept_to_sent_seconds_bucket{channel="email",le="300"} 4');
    expect(buckets[11]).toBe('notifykit_accept_to_sent_seconds_bucket{channel="email",le="+Inf"} 5');
    expect(lines(text, 'notifykit_accept_to_sent_seconds_count')).toEqual([
      'notifykit_accept_to_sent_seconds_count{channel="email"} 5',
    ]);
    expect(text).toContain('# TYPE notifykit_accept_to_delivered_seconds histogram');
  });

  it('every family is always declared, even with no data', () => {
    const text = renderExposition(metricFamilies([], []));
    for (const name of METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `);
    expect(text).toContain('notifykit_notifications_accepted_total 0');
  });
});

describe('id time prefixes', () => {
  it('an id sorts at or after the prefix of its millisecond, before the next one', () => {
    const ms = Date.UTC(2026, 10, 22, 10, 0, 0);
    const id = newId('att', ms);
    expect(idTime(id)).toBe(ms);
    expect(`att_${idTimePrefix(ms)}` <= id).toBe(true);
    expect(id < `att_${idTimePrefix(ms + 1)}`).toBe(true);
    expect(idTime('att_!!')).toBeNaN();
  });
});
