/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format 0.0.4 that Prometheus scrapes. It uses no Node API, so it runs on
 * Workers too, where each isolate keeps its own values.
 */

export type Labels = Readonly<Record<string, string>>;

/** `Content-Type` of `MetricsRegistry.render()`. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Metric {
  render(): string[];
}

/** Keeps one value per label combination, keyed by the rendered label set. */
class Series<T> {
  readonly #values = new Map<string, { labels: Labels; value: T }>();

  constructor(
    private readonly labelNames: readonly string[],
    private readonly initial: () => T,
  ) {}

  get(labels: Labels): T {
    const key = formatLabels(labels, this.labelNames);
    let entry = this.#values.get(key);
    if (entry === undefined) {
      entry = { labels, value: this.initial() };
      this.#values.set(key, entry);
    }
    return entry.value;
  }

  set(labels: Labels, value: T): void {
    this.#values.set(formatLabels(labels, this.labelNames), { labels, value });
  }

  entries(): Array<{ labels: Labels; value: T }> {
    return [...this.#values.values()];
  }
}

/** A value that only goes up, such as the number of submissions. */
export class Counter implements Metric {
  readonly #series: Series<{ total: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
  ) {
    this.#series = new Series(labelNames, () => ({ total: 0 }));
  }

  inc(labels: Labels = {}, amount = 1): void {
    if (amount < 0) throw new RangeError(`Counter ${this.name} cannot decrease: got ${amount}.`);
    this.#series.get(labels).total += amount;
  }

  /** Returns the current value for `labels`, for tests and health checks. */
  value(labels: Labels = {}): number {
    return this.#series.get(labels).total;
  }

  render(): string[] {
    return [
      ...header(this.name, this.help, 'counter'),
      ...this.#series.entries().map(({ labels, value }) => `${this.name}${formatLabels(labels, this.labelNames)} ${formatNumber(value.total)}`),
    ];
  }
}

/** A value read when the registry renders, such as the current queue depth. */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}

  render(): string[] {
    return [...header(this.name, this.help, 'gauge'), `${this.name} ${formatNumber(this.read())}`];
  }
}

interface HistogramState {
  /** Observations per bucket, not cumulative; the last slot counts those above every bound. */
  buckets: number[];
  sum: number;
  count: number;
}

/** Observations sorted into buckets, such as upstream latency in seconds. */
export class Histogram implements Metric {
  readonly #series: Series<HistogramState>;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    /** Upper bounds of the buckets, ascending; `+Inf` is added. */
    readonly bounds: readonly number[],
  ) {
    this.#series = new Series(labelNames, () => ({ buckets: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }));
  }

  observe(value: number, labels: Labels = {}): void {
    const state = this.#series.get(labels);
    const index = this.bounds.findIndex((bound) => value <= bound);
    state.buckets[index === -1 ? this.bounds.length : index]! += 1;
    state.sum += value;
    state.count += 1;
  }

  /** Returns the number of observations for `labels`. */
  count(labels: Labels = {}): number {
    return this.#series.get(labels).count;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');

    for (const { labels, value } of this.#series.entries()) {
      let cumulative = 0;
      const bounds = [...this.bounds.map(formatNumber), '+Inf'];
      bounds.forEach((bound, index) => {
        cumulative += value.buckets[index]!;
        lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: bound }, [...this.labelNames, 'le'])} ${cumulative}`);
      });
      lines.push(`${this.name}_sum${formatLabels(labels, this.labelNames)} ${formatNumber(value.sum)}`);
      lines.push(`${this.name}_count${formatLabels(labels, this.labelNames)} ${value.count}`);
    }

    return lines;
  }
}

/** The metrics of one process, in registration order. */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Metric>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#register(name, new Counter(name, help, checkLabelNames(name, labelNames)));
  }

  gauge(name: string, help: string, read: () => number): Gauge {
    return this.#register(name, new Gauge(name, help, read));
  }

  histogram(name: string, help: string, labelNames: readonly string[], bounds: readonly number[]): Histogram {
    return this.#register(name, new Histogram(name, help, checkLabelNames(name, labelNames), bounds));
  }

  /** Renders every metric in the Prometheus text format, ending with a line feed. */
  render(): string {
    const lines = [...this.#metrics.values()].flatMap((metric) => metric.render());
    return `${lines.join('\n')}\n`;
  }

  #register<T extends Metric>(name: string, metric: T): T {
    if (!METRIC_NAME.test(name)) throw new RangeError(`Invalid metric name ${JSON.stringify(name)}: expected [a-zA-Z_:][a-zA-Z0-9_:]*.`);
    if (this.#metrics.has(name)) throw new RangeError(`Metric ${name} is already registered.`);
    this.#metrics.set(name, metric);
    return metric;
  }
}

function checkLabelNames(metric: string, labelNames: readonly string[]): readonly string[] {
  const invalid = labelNames.find((label) => !LABEL_NAME.test(label) || label === 'le');
  if (invalid !== undefined) throw new RangeError(`Metric ${metric} has an invalid label name ${JSON.stringify(invalid)}.`);
  return labelNames;
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
}

/** Renders `{a="1",b="2"}` in the order of `labelNames`; label values are escaped as the format requires. */
function formatLabels(labels: Labels, labelNames: readonly string[]): string {
  if (labelNames.length === 0) return '';
  const pairs = labelNames.map((name) => `${name}="${escapeLabelValue(labels[name] ?? '')}"`);
  return `{${pairs.join(',')}}`;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
