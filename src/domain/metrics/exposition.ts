/**
 * Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), written from plain values. No
 * client library: those keep metrics in process memory, and a Worker has nothing to keep them in.
 */

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface ScalarFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: readonly Sample[];
}

export interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket, not cumulative: one per bound, then one for everything above the last (+Inf). */
  buckets: readonly number[];
  /** Omitted when unknown: `_sum` is optional in the format, and quantiles need only the buckets. */
  sum?: number;
}

export interface HistogramFamily {
  name: string;
  help: string;
  type: 'histogram';
  /** Upper bounds in the family's unit, ascending; `le` is inclusive. */
  bounds: readonly number[];
  series: readonly HistogramSeries[];
}

export type MetricFamily = ScalarFamily | HistogramFamily;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Renders families in the order given; samples keep their order. Throws on what Prometheus would reject. */
export function renderExposition(families: readonly MetricFamily[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const family of families) {
    checkFamily(family, seen);
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    if (family.type === 'histogram') lines.push(...histogramLines(family));
    else {
      for (const s of family.samples) {
        if (family.type === 'counter' && !(s.value >= 0)) {
          throw new Error(`${family.name}: a counter cannot be ${s.value}`);
        }
        lines.push(`${family.name}${labelSet(s.labels)} ${formatValue(s.value)}`);
      }
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function histogramLines(family: HistogramFamily): string[] {
  const lines: string[] = [];
  for (const series of family.series) {
    if (series.buckets.length !== family.bounds.length + 1) {
      throw new Error(`${family.name}: ${series.buckets.length} buckets for ${family.bounds.length} bounds + Inf`);
    }
    if ('le' in series.labels) throw new Error(`${family.name}: 'le' is reserved for histogram buckets`);
    let cumulative = 0;
    series.buckets.forEach((count, i) => {
      if (!(count >= 0)) throw new Error(`${family.name}: bucket count cannot be ${count}`);
      cumulative += count;
      const le = i < family.bounds.length ? formatValue(family.bounds[i]!) : '+Inf';
      lines.push(`${family.name}_bucket${labelSet({ ...series.labels, le })} ${formatValue(cumulative)}`);
    });
    if (series.sum !== undefined) lines.push(`${family.name}_sum${labelSet(series.labels)} ${formatValue(series.sum)}`);
    lines.push(`${family.name}_count${labelSet(series.labels)} ${formatValue(cumulative)}`);
  }
  return lines;
}

function checkFamily(family: MetricFamily, seen: Set<string>) {
  if (!METRIC_NAME.test(family.name)) throw new Error(`invalid metric name '${family.name}'`);
  if (seen.has(family.name)) throw new Error(`metric family '${family.name}' rendered twice`);
  seen.add(family.name);
  // Prometheus naming conventions, which promtool's linter enforces: counters and only counters end in _total.
  if ((family.type === 'counter') !== family.name.endsWith('_total')) {
    throw new Error(`'${family.name}': counters, and only counters, end in _total`);
  }
  if (family.type === 'histogram') {
    family.bounds.forEach((b, i) => {
      if (!Number.isFinite(b) || (i > 0 && b <= family.bounds[i - 1]!)) {
        throw new Error(`${family.name}: bounds must be finite and ascending`);
      }
    });
  }
}

function labelSet(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) => {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name '${name}'`);
    return `${name}="${escapeLabelValue(value)}"`;
  });
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

/** In label values the format escapes backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** In HELP text only backslash and line feed are escaped. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** Go's float syntax as Prometheus parses it: integers plainly, +Inf/-Inf/NaN spelled out. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
