import type { UsageSums } from '../../db/queries/usage';
import { percentileFromBuckets } from './latency-buckets';

/** Rates and percentiles for a set of sums (docs/analytics.md gives the definitions). */
export function reportOf(sums: UsageSums, sentLatency: number[], deliveredLatency: number[]) {
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);
  return {
    accepted: sums.accepted,
    sent: sums.sent,
    delivered: sums.delivered,
    failed: sums.failed,
    bounced: sums.bounced,
    suppressed: sums.suppressed,
    deadLettered: sums.deadLettered,
    opened: sums.opened,
    clicked: sums.clicked,
    deliveryRate: ratio(sums.sent, sums.accepted - sums.suppressed),
    openRate: ratio(sums.opened, sums.sent),
    clickRate: ratio(sums.clicked, sums.sent),
    latency: {
      sentP50Ms: percentileFromBuckets(sentLatency, 50),
      sentP95Ms: percentileFromBuckets(sentLatency, 95),
      deliveredP50Ms: percentileFromBuckets(deliveredLatency, 50),
      deliveredP95Ms: percentileFromBuckets(deliveredLatency, 95),
    },
    cost: Math.round(sums.cost * 1e6) / 1e6,
  };
}

export const EMPTY_SUMS: UsageSums = {
  accepted: 0,
  sent: 0,
  delivered: 0,
  failed: 0,
  bounced: 0,
  suppressed: 0,
  deadLettered: 0,
  opened: 0,
  clicked: 0,
  cost: 0,
};

export function addSums(a: UsageSums, b: UsageSums): UsageSums {
  const out = { ...a };
  for (const k of Object.keys(EMPTY_SUMS) as (keyof UsageSums)[]) out[k] = a[k] + b[k];
  return out;
}

export const SERIES_METRICS = [
  'accepted',
  'sent',
  'delivered',
  'failed',
  'bounced',
  'suppressed',
  'opened',
  'clicked',
  'cost',
  'delivery_rate',
] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];

export function metricValue(metric: SeriesMetric, s: UsageSums) {
  if (metric === 'delivery_rate') return reportOf(s, [], []).deliveryRate;
  if (metric === 'cost') return Math.round(s.cost * 1e6) / 1e6;
  return s[metric];
}

const STEP_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** Every bucket start in [from, to), so a chart shows a quiet hour as 0 rather than skipping it. */
export function bucketStarts(from: Date, to: Date, granularity: 'hour' | 'day'): Date[] {
  const step = STEP_MS[granularity];
  const out: Date[] = [];
  for (let t = Math.floor(from.getTime() / step) * step; t < to.getTime(); t += step) out.push(new Date(t));
  return out;
}

/** Rounds a range out to whole hours: roll-ups are hourly. */
export function hourRange(from: Date, to: Date) {
  const h = STEP_MS.hour;
  return { from: new Date(Math.floor(from.getTime() / h) * h), to: new Date(Math.ceil(to.getTime() / h) * h) };
}
