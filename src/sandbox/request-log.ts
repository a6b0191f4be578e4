/**
 * What a client sent a sandbox, so tests and benchmarks can assert on it exactly. Entries are kept in a
 * bounded ring (benchmarks send hundreds of thousands of requests); per-route counts are never dropped.
 */

export interface LoggedRequest {
  /** 1, 2, 3… in arrival order since the last clear. */
  seq: number;
  at: string;
  method: string;
  /** The path as sent, without the query string. */
  path: string;
  /** `METHOD /route/:pattern`, the key faults and counts use; `METHOD <path>` for unknown routes. */
  route: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body, once the route parsed it (absent for bodiless or refused requests). */
  body?: unknown;
  /** A JSON body's exact text, as received (number tokens stay number tokens). */
  rawBody?: string;
}

/** Default number of entries kept; counts are unbounded. */
export const REQUEST_LOG_CAPACITY = 10_000;

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;
  private readonly counts = new Map<string, number>();

  constructor(private readonly capacity = REQUEST_LOG_CAPACITY) {}

  add(entry: Omit<LoggedRequest, 'seq' | 'at'>): LoggedRequest {
    const logged: LoggedRequest = { seq: ++this.seq, at: new Date().toISOString(), ...entry };
    this.entries.push(logged);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    this.counts.set(entry.route, (this.counts.get(entry.route) ?? 0) + 1);
    return logged;
  }

  /** Entries, oldest first, optionally only those of one route key (`GET /v2/account/balance`). */
  list(route?: string): LoggedRequest[] {
    return route ? this.entries.filter((e) => e.route === route) : [...this.entries];
  }

  count(route?: string): number {
    if (route) return this.counts.get(route) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  countsByRoute(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  clear(): void {
    this.entries = [];
    this.seq = 0;
    this.counts.clear();
  }
}
