import type { MetricCount, MetricGauge } from '../../db/queries/metrics';
import { CHANNELS, type Channel, type Priority } from '../../db/schema/notifications';
import { LATENCY_BUCKETS_MS } from '../../db/schema/usage';
import { type Lane, laneFor } from '../../queues/lanes';
import type { HistogramFamily, Labels, MetricFamily, Sample } from './exposition';

/**
 * The metric families of /metrics and /v1/metrics (docs/operations.md#metrics-and-alerts) built from the cells and
 * gauges of src/db/queries/metrics.ts. Labels come from closed sets (channel, provider id, status, outcome, lane,
 * state) and never name a tenant or any other id, so the number of series stays bounded however many tenants there
 * are. Known label combinations are filled with zeros: `rate()` only sees a first increase from a series that
 * already existed, and dashboards get no gaps.
 */

/** A delivery counts as backlog once it has been due (queued) or claimed (sending) for this long. */
export const BACKLOG_AFTER_SECONDS = 60;

const LANES: readonly Lane[] = ['critical', 'default', 'bulk', 'inbox'];
const DELIVERY_STATUSES = ['sent', 'delivered', 'failed', 'bounced', 'suppressed', 'dead_lettered'] as const;
const ATTEMPT_OUTCOMES = ['sent', 'retryable_error', 'permanent_error', 'skipped'] as const;
const WEBHOOK_OUTCOMES = ['succeeded', 'failed'] as const;
const ENDPOINT_STATES = ['healthy', 'failing', 'disabled'] as const;
const LATENCY_BOUNDS_SECONDS = LATENCY_BUCKETS_MS.map((ms) => ms / 1000);

/** Every family name, for the docs, dashboards and alert rules to be checked against. */
export const METRIC_NAMES = [
  'notifykit_notifications_accepted_total',
  'notifykit_deliveries_accepted_total',
  'notifykit_deliveries_total',
  'notifykit_accept_to_sent_seconds',
  'notifykit_accept_to_delivered_seconds',
  'notifykit_provider_attempts_total',
  'notifykit_webhook_attempts_total',
  'notifykit_delivery_backlog',
  'notifykit_delivery_backlog_oldest_seconds',
  'notifykit_dead_letters',
  'notifykit_webhook_endpoints',
  'notifykit_provider_misconfigured',
] as const;

export function metricFamilies(counts: readonly MetricCount[], gauges: readonly MetricGauge[]): MetricFamily[] {
  const cells = (family: string) => counts.filter((c) => c.family === family);
  const provider = (p: string) => p || 'none';

  const deliveries = cells('deliveries');
  const channels = distinct(deliveries.map((c) => c.channel));
  const pairs = distinctBy(
    deliveries.map((c) => ({ channel: c.channel, provider: provider(c.provider) })),
    (p) => `${p.channel}\n${p.provider}`,
  );
  const attempts = cells('provider_attempts');
  const attemptPairs = distinctBy(
    attempts.map((c) => ({ channel: c.channel, provider: c.provider })),
    (p) => `${p.channel}\n${p.provider}`,
  );
  const backlog = gauges.filter((g) => g.kind === 'backlog');
  const deadLetters = gauges.filter((g) => g.kind === 'dead_letters');
  const endpoints = gauges.filter((g) => g.kind === 'webhook_endpoints');
  const configs = gauges.filter((g) => g.kind === 'provider_configs');
  const configPairs = distinctBy(configs, (g) => `${g.channel}\n${g.provider}`);

  const families: MetricFamily[] = [
    {
      name: 'notifykit_notifications_accepted_total',
      type: 'counter',
      help: 'Notifications accepted (API sends, bulk items, broadcast fan-out, schedule occurrences).',
      samples: [{ labels: {}, value: sum(cells('notifications')) }],
    },
    {
      name: 'notifykit_deliveries_accepted_total',
      type: 'counter',
      help: 'Deliveries created at acceptance: one per notification, channel and address.',
      samples: channels.map((channel) => ({
        labels: { channel },
        value: sum(deliveries.filter((c) => c.channel === channel && c.outcome === 'accepted')),
      })),
    },
    {
      name: 'notifykit_deliveries_total',
      type: 'counter',
      help:
        'Deliveries by outcome, counted in their hour of acceptance: sent = handed to a provider (including those ' +
        'later delivered or bounced), delivered = confirmed by a receipt; the others are final statuses.',
      samples: pairs.flatMap((p) =>
        DELIVERY_STATUSES.map((status) => ({
          labels: { channel: p.channel, provider: p.provider, status },
          value: sum(
            deliveries.filter(
              (c) => c.channel === p.channel && provider(c.provider) === p.provider && c.outcome === status,
            ),
          ),
        })),
      ),
    },
    latencyHistogram(
      'notifykit_accept_to_sent_seconds',
      'Time from acceptance (or sendAt) to the hand-over to a provider.',
      cells('sent_latency'),
    ),
    latencyHistogram(
      'notifykit_accept_to_delivered_seconds',
      "Time from acceptance (or sendAt) to the provider's delivery receipt.",
      cells('delivered_latency'),
    ),
    {
      name: 'notifykit_provider_attempts_total',
      type: 'counter',
      help: 'Provider calls by outcome (skipped = circuit breaker open; sandbox and inbox are built in).',
      samples: attemptPairs.flatMap((p) =>
        ATTEMPT_OUTCOMES.map((outcome) => ({
          labels: { channel: p.channel, provider: p.provider, outcome },
          value: sum(
            attempts.filter((c) => c.channel === p.channel && c.provider === p.provider && c.outcome === outcome),
          ),
        })),
      ),
    },
    {
      name: 'notifykit_webhook_attempts_total',
      type: 'counter',
      help: 'Outgoing webhook POSTs to tenant endpoints by outcome (succeeded = 2xx).',
      samples: WEBHOOK_OUTCOMES.map((outcome) => ({
        labels: { outcome },
        value: sum(cells('webhook_attempts').filter((c) => c.outcome === outcome)),
      })),
    },
    {
      name: 'notifykit_delivery_backlog',
      type: 'gauge',
      help: `Deliveries due (queued) or claimed (sending) for more than ${BACKLOG_AFTER_SECONDS} s, by queue lane.`,
      samples: LANES.flatMap((lane) =>
        (['queued', 'sending'] as const).map((status) => ({
          labels: { lane, status },
          value: total(backlog.filter((g) => laneOf(g) === lane && g.status === status)),
        })),
      ),
    },
    {
      name: 'notifykit_delivery_backlog_oldest_seconds',
      type: 'gauge',
      help: 'Age of the oldest backlog delivery per lane (0 when there is none).',
      samples: LANES.map((lane) => ({
        labels: { lane },
        value: Math.max(0, ...backlog.filter((g) => laneOf(g) === lane).map((g) => Math.round(g.oldestSeconds))),
      })),
    },
    {
      name: 'notifykit_dead_letters',
      type: 'gauge',
      help: 'Deliveries in dead_lettered now (a replay takes them out).',
      samples: CHANNELS.flatMap((channel) =>
        (channel === 'in_app' ? (['inbox'] as const) : (['critical', 'default', 'bulk'] as const)).map((lane) => ({
          labels: { channel, lane },
          value: total(deadLetters.filter((g) => g.channel === channel && laneOf(g) === lane)),
        })),
      ),
    },
    {
      name: 'notifykit_webhook_endpoints',
      type: 'gauge',
      help: 'Webhook endpoints by state (failing = enabled, and its last attempts failed).',
      samples: ENDPOINT_STATES.map((state) => ({
        labels: { state },
        value: total(endpoints.filter((g) => g.status === state)),
      })),
    },
    {
      name: 'notifykit_provider_misconfigured',
      type: 'gauge',
      help:
        'Provider configurations whose sends end with an account-side error (credentials, sender, sandbox, ' +
        'permissions) until they deliver again; 0 for every configured provider that is fine.',
      samples: configPairs.map((p) => ({
        labels: { channel: p.channel, provider: p.provider },
        value: total(
          configs.filter((g) => g.channel === p.channel && g.provider === p.provider && g.status === 'misconfigured'),
        ),
      })),
    },
  ];
  return families.map(sortSamples);
}

function latencyHistogram(name: string, help: string, cells: MetricCount[]): HistogramFamily {
  return {
    name,
    help,
    type: 'histogram',
    bounds: LATENCY_BOUNDS_SECONDS,
    series: distinct(cells.map((c) => c.channel))
      .sort()
      .map((channel) => {
        const buckets = new Array<number>(LATENCY_BOUNDS_SECONDS.length + 1).fill(0);
        for (const c of cells) {
          const i = Number(c.outcome);
          if (c.channel === channel && Number.isInteger(i) && i >= 0 && i < buckets.length) buckets[i]! += c.value;
        }
        return { labels: { channel }, buckets };
      }),
  };
}

function laneOf(g: MetricGauge): Lane {
  return laneFor(g.priority as Priority, g.channel as Channel) ?? 'default';
}

const sum = (cells: readonly MetricCount[]) => cells.reduce((acc, c) => acc + c.value, 0);
const total = (gauges: readonly MetricGauge[]) => gauges.reduce((acc, g) => acc + g.count, 0);
const distinct = (values: string[]) => [...new Set(values)];

function distinctBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

const labelKey = (labels: Labels) => Object.values(labels).join('\n');

/** A stable order, so two scrapes of the same state are byte-identical. */
function sortSamples(family: MetricFamily): MetricFamily {
  if (family.type === 'histogram') return family;
  const samples: Sample[] = [...family.samples].sort((a, b) => {
    const [ka, kb] = [labelKey(a.labels), labelKey(b.labels)];
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return { ...family, samples };
}
