/**
 * Webhook delivery as a provider does it: POST the JSON body to the merchant's URL, retry on non-2xx or
 * network failure with exponential backoff, and keep a record of every attempt for tests and demos.
 */

export interface WebhookDelivery {
  id: number;
  url: string;
  body: unknown;
  headers: Record<string, string>;
  attempts: { at: string; status?: number; error?: string }[];
  state: 'pending' | 'delivered' | 'failed';
}

/**
 * The body a sandbox notifies with: `documented` is the provider's (assumed) format, signed where it
 * is; `hint` is another plausible shape (other field names and nesting, ids as strings or numbers,
 * extra fields), unsigned, for the gateway's secret notification URL.
 */
export const NOTIFICATION_SHAPES = ['documented', 'hint'] as const;
export type NotificationShape = (typeof NOTIFICATION_SHAPES)[number];

export interface NotifierOptions {
  /** Retries after the first attempt (the providers document 5). */
  retries: number;
  /** First retry delay; each next one is `factor` times longer. */
  baseDelayMs: number;
  factor: number;
  /** Per-attempt timeout (Talo asks merchants to answer within 3 s). */
  timeoutMs: number;
  /** Which body the provider's notifications take (TelePagos and Tupay; Talo's is documented). */
  shape: NotificationShape;
}

export const DEFAULT_NOTIFIER_OPTIONS: NotifierOptions = {
  retries: 5,
  baseDelayMs: 1_000,
  factor: 2,
  timeoutMs: 3_000,
  shape: 'documented',
};

/** Builds the signed headers of a delivery from its exact raw body. */
export type WebhookSigner = (rawBody: string) => Record<string, string>;

export class WebhookNotifier {
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1;
  options: NotifierOptions;

  constructor(options: Partial<NotifierOptions> = {}) {
    this.options = { ...DEFAULT_NOTIFIER_OPTIONS, ...options };
  }

  /**
   * Queues a delivery and starts it at once; resolves immediately (providers do not wait either).
   * `sign` runs again for every attempt, so a signature that covers a timestamp is fresh on retries.
   */
  send(url: string, body: unknown, sign?: WebhookSigner): WebhookDelivery {
    const raw = JSON.stringify(body);
    const delivery: WebhookDelivery = {
      id: this.nextId++,
      url,
      body,
      headers: {},
      attempts: [],
      state: 'pending',
    };
    this.deliveries.push(delivery);
    void this.attempt(delivery, raw, sign);
    return delivery;
  }

  private async attempt(delivery: WebhookDelivery, raw: string, sign: WebhookSigner | undefined): Promise<void> {
    const record: WebhookDelivery['attempts'][number] = { at: new Date().toISOString() };
    delivery.attempts.push(record);
    delivery.headers = { 'content-type': 'application/json', ...(sign ? sign(raw) : {}) };
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: delivery.headers,
        body: raw,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      record.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        delivery.state = 'delivered';
        return;
      }
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
    const retriesDone = delivery.attempts.length - 1;
    if (retriesDone >= this.options.retries) {
      delivery.state = 'failed';
      return;
    }
    const delay = this.options.baseDelayMs * this.options.factor ** retriesDone;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, raw, sign);
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  list(): WebhookDelivery[] {
    return this.deliveries.map((d) => ({ ...d, attempts: [...d.attempts] }));
  }

  /** Stops pending retries and forgets every delivery. */
  reset(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.deliveries.length = 0;
  }
}
