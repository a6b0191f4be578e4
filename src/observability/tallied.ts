/**
 * A counter and a histogram for what every operation counts (src/observability/metrics.ts), kept as
 * plain numbers per series and read out in prom-client's form when the registry is scraped. prom-client's
 * own labelled series hash and check their labels on every `inc` and `observe`, even through a child:
 * about 3 µs of each operation's CPU in a profile, where a series held here costs a few additions.
 * A series is made once per distinct label set (`series`), which the caller keeps.
 */
import type { Registry } from 'prom-client';

type Labels = Record<string, string>;

interface Value {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What prom-client's registry reads from a metric when it is scraped. */
abstract class Tallied<S> {
  readonly aggregator = 'sum';
  protected readonly all = new Map<string, S & { labels: Labels }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  abstract get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Value[] }>;
  abstract reset(): void;

  protected seriesOf(labels: Labels, make: () => S): S {
    const key = Object.values(labels).join('\u0000');
    let series = this.all.get(key);
    if (!series) {
      series = Object.assign(make() as object, { labels }) as S & { labels: Labels };
      this.all.set(key, series);
    }
    return series;
  }

  protected read(values: Value[]) {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export interface CounterSeries {
  inc(by?: number): void;
}

export class TalliedCounter extends Tallied<CounterSeries & { value: number }> {
  constructor(name: string, help: string, registry: Registry) {
    super(name, help, 'counter', registry);
  }

  /** The series of these labels (always given in the same order), made on first use. */
  series(labels: Labels): CounterSeries {
    return this.seriesOf(labels, () => ({
      value: 0,
      inc(by = 1) {
        this.value += by;
      },
    }));
  }

  async get() {
    return this.read([...this.all.values()].map(({ labels, value }) => ({ labels: { ...labels }, value })));
  }

  reset(): void {
    for (const series of this.all.values()) series.value = 0;
  }
}

export interface HistogramSeries {
  observe(value: number): void;
}

interface HistogramState extends HistogramSeries {
  /** Observations per bucket (not cumulative); the last one is above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

export class TalliedHistogram extends Tallied<HistogramState> {
  constructor(
    name: string,
    help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    super(name, help, 'histogram', registry);
  }

  series(labels: Labels): HistogramSeries {
    const bounds = this.bounds;
    return this.seriesOf(labels, () => ({
      counts: new Array<number>(bounds.length + 1).fill(0),
      sum: 0,
      count: 0,
      observe(value: number) {
        let i = 0;
        while (i < bounds.length && value > bounds[i]!) i++;
        this.counts[i]!++;
        this.sum += value;
        this.count++;
      },
    }));
  }

  async get() {
    const values: Value[] = [];
    for (const { labels, counts, sum, count } of this.all.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({ labels: { le: String(bound), ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return this.read(values);
  }

  reset(): void {
    for (const series of this.all.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
