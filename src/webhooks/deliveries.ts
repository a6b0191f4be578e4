/**
 * Webhooks to client apps (issue 28): each event of the log an app may read (its `read` scope, as the
 * `paymentEvents` subscription needs) is POSTed to each of its endpoints per the Standard Webhooks
 * specification — `webhook-id` (the event's id, the same on every retry), `webhook-timestamp` (Unix
 * seconds of the attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 *
 * One worker per endpoint on every replica; the one holding the endpoint's lease (shared state) delivers,
 * in log order, one event at a time: so one delivery is in flight per event and endpoint however many
 * replicas run, and each object's events arrive in order. The endpoint's position (the last cursor
 * delivered) is shared state too, saved after each 2xx answer: at least once. A non-2xx answer, a
 * timeout or a network error is retried with jittered exponential backoff; `retryHours` after the event was
 * logged, a failing event is given up (counted and logged, never its body) and delivery goes on. Log lines never hold
 * the URL, the secret or the body: the endpoint is named by a hash of the app and its URL.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import type { WebhookApp } from '../auth/clients.js';
import { forbiddenAddress, type WebhookEndpoint } from '../auth/webhook-endpoints.js';
import type { EventBus, LoggedEvent } from '../events/bus.js';
import { CursorExpiredError, positionOf } from '../events/log.js';
import type { Logger } from '../logging.js';
import type { WebhookPosition, WebhookPositionStore } from '../state/webhook-positions.js';

export type DeliveryOutcome = 'delivered' | 'retried' | 'failed' | 'cursor_expired';

export interface DeliveriesOptions {
  events: EventBus;
  positions: WebhookPositionStore;
  logger: Logger;
  /** WEBHOOK_RETRY_BASE_MS: the first backoff; each next one doubles (jittered), up to an hour. */
  retryBaseMs: number;
  /** WEBHOOK_RETRY_HOURS: how long one event is retried before it is given up. */
  retryHours: number;
  /** WEBHOOK_TIMEOUT_MS: each attempt's deadline. */
  timeoutMs: number;
  /** WEBHOOK_LEASE_MS: how long a replica's lease on an endpoint lasts unless renewed (above the timeout; default 30 s or three timeouts). */
  leaseMs?: number;
  /** How often an idle worker looks at the log (and at a lease another replica may have left). */
  pollMs?: number;
  /** The clock of the retry window (tests move it). */
  now?: () => number;
  /** Resolves endpoint host names (default the system's, dns.lookup); every address it gives is checked. */
  resolve?: typeof dnsLookup;
  onOutcome?(client: string, endpoint: string, outcome: DeliveryOutcome): void;
  onBacklog?(client: string, endpoint: string, waiting: number): void;
}

/** Events read from the log per round trip. */
const PAGE = 100;
/** The longest backoff between two attempts. */
const MAX_BACKOFF_MS = 3_600_000;

/** The body's `data`: the event as the `paymentEvents` subscription returns it (every field, null when absent). */
export function eventData(event: LoggedEvent): Record<string, unknown> {
  return {
    id: event.id,
    cursor: event.cursor,
    provider: event.provider,
    type: event.type,
    occurredAt: event.occurredAt,
    observedAt: event.observedAt ?? null,
    payment: event.payment ?? null,
    cashin: event.cashin ?? null,
    cashout: event.cashout ?? null,
  };
}

/** Standard Webhooks headers for `body`, signed with the endpoint's key at `seconds`. */
export function signedHeaders(id: string, seconds: number, body: string, key: Buffer): Record<string, string> {
  const signature = createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': `v1,${signature}`, 'content-type': 'application/json' };
}

/** The wait before attempt `attempt + 1`: base · 2^attempt, capped, with jitter (half to all of it). */
export function backoffMs(base: number, attempt: number): number {
  const full = Math.min(base * 2 ** Math.min(attempt, 30), MAX_BACKOFF_MS);
  return Math.round(full / 2 + (Math.random() * full) / 2);
}

/** The error of a connection refused because the endpoint's host name resolved to a forbidden address. */
export const FORBIDDEN_ADDRESS = 'EWEBHOOKADDRESS';

/**
 * A connection lookup that resolves every address of the host and refuses them all when any is a
 * link-local or metadata address (../auth/webhook-endpoints.ts): the URL was checked when the file
 * loaded, but a host name may point there — or be made to, between two deliveries.
 */
export function guardedLookup(resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 4);
      const forbidden = addresses.map((a) => forbiddenAddress(a.address)).find((why) => why !== undefined);
      if (forbidden || addresses.length === 0) {
        const refused = Object.assign(new Error(`the webhook host resolves to an address it ${forbidden ?? 'must resolve'}`), { code: FORBIDDEN_ADDRESS });
        return callback(refused, '', 4);
      }
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** Every replica's delivery workers: one per endpoint of every app in CLIENTS_FILE. */
export class WebhookDeliveries {
  private readonly holder = randomUUID();
  private readonly workers = new Map<string, EndpointWorker>();
  private live?: AsyncIterableIterator<LoggedEvent>;
  private stopped = false;
  /** Every delivery's connections: host names resolved through `guardedLookup`. */
  private readonly agent: Agent;

  constructor(private readonly options: DeliveriesOptions) {
    this.agent = new Agent({ connect: { lookup: guardedLookup(options.resolve) } });
  }

  /** Starts, stops or updates the workers so they match `apps` (at start and on every CLIENTS_FILE reload). */
  update(apps: readonly WebhookApp[]): void {
    if (this.stopped) return;
    const wanted = new Map<string, { app: WebhookApp; endpoint: WebhookEndpoint }>();
    for (const app of apps) for (const endpoint of app.endpoints) wanted.set(endpoint.id, { app, endpoint });
    for (const [id, worker] of this.workers) {
      if (wanted.has(id)) continue;
      this.workers.delete(id);
      // Taken out of CLIENTS_FILE: its hold on the event log goes too (its position stays, should it come back).
      void worker.stop().then(() => this.options.positions.forget(id).catch(() => undefined));
    }
    for (const [id, { app, endpoint }] of wanted) {
      const worker = this.workers.get(id);
      if (worker) worker.configure(app, endpoint);
      else {
        const started = new EndpointWorker(app, endpoint, this.holder, this.options, this.agent);
        this.workers.set(id, started);
        started.start();
      }
    }
    if (this.workers.size > 0) this.listen();
  }

  /** Wakes every worker on each event published (any replica's): delivery starts at once, not on the next poll. */
  private listen(): void {
    if (this.live) return;
    const live = this.options.events.subscribe({});
    this.live = live;
    void (async () => {
      try {
        for await (const _event of live) for (const worker of this.workers.values()) worker.wake();
      } catch {
        // Fell behind (the workers read the log anyway): listen anew.
      }
      if (this.live === live) this.live = undefined;
      if (!this.stopped && this.workers.size > 0) this.listen();
    })();
  }

  get endpoints(): number {
    return this.workers.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const live = this.live;
    this.live = undefined;
    await live?.return?.();
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
    this.workers.clear();
    await this.agent.close();
  }
}

/** Delivers one endpoint's events while this replica holds its lease. */
class EndpointWorker {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private woken = false;
  private readonly abort = new AbortController();
  private readonly leaseMs: number;
  /** When the lease must be renewed before the next attempt (see `holdLease`). */
  private renewBy = 0;

  constructor(
    private app: WebhookApp,
    private endpoint: WebhookEndpoint,
    private readonly holder: string,
    private readonly options: DeliveriesOptions,
    private readonly agent: Agent,
  ) {
    this.leaseMs = options.leaseMs ?? Math.max(30_000, options.timeoutMs * 3);
  }

  private get log(): Record<string, string> {
    return { client: this.app.name, endpoint: this.endpoint.id };
  }

  configure(app: WebhookApp, endpoint: WebhookEndpoint): void {
    this.app = app;
    this.endpoint = endpoint;
    this.wake();
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.wakeUp?.();
    await this.loop;
    await this.options.positions.release(this.endpoint.id, this.holder).catch(() => undefined);
  }

  private async run(): Promise<void> {
    // The endpoint holds the log from now, before its first delivery (an app that may not read events holds nothing).
    if (this.app.scopes.has('read')) await this.options.positions.hold(this.endpoint.id).catch(() => undefined);
    while (this.running) {
      this.woken = false;
      try {
        await this.round();
      } catch (error) {
        if (this.running) this.options.logger.warn({ ...this.log, err: error }, 'webhook delivery paused: the event log or shared state failed; trying again');
      }
      if (!this.running || this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs ?? 5_000);
        timer.unref();
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private wants(event: LoggedEvent): boolean {
    const { events, provider } = this.endpoint;
    return this.app.scopes.has('read') && (!events || events.has(event.type)) && (!provider || provider === event.provider);
  }

  /** Delivers every wanted event after the position, while the lease holds. */
  private async round(): Promise<void> {
    // An app that may not read events gets none (the `paymentEvents` subscription needs `read`).
    if (!this.app.scopes.has('read')) return;
    const { positions, events } = this.options;
    const id = this.endpoint.id;
    if (!(await positions.lease(id, this.holder, this.leaseMs))) return;
    this.renewBy = Date.now() + (this.leaseMs - this.options.timeoutMs) / 2;
    while (this.running) {
      const position = await positions.get(id);
      let page;
      try {
        page = await events.read({ provider: this.endpoint.provider }, position.cursor, PAGE);
      } catch (error) {
        if (!(error instanceof CursorExpiredError)) throw error;
        this.options.onOutcome?.(this.app.name, id, 'cursor_expired');
        this.options.logger.error(
          { ...this.log, why: error.why },
          'webhook endpoint position is no longer in the event log: events after it were lost to this endpoint; delivering from the oldest event kept',
        );
        if (!(await positions.save(id, this.holder, {}))) return;
        continue;
      }
      const wanted = page.events.filter((event) => this.wants(event));
      this.options.onBacklog?.(this.app.name, id, wanted.length);
      let saved = position.cursor;
      for (const event of page.events) {
        if (!this.running) return;
        if (!this.wants(event)) continue;
        if (!(await this.deliver(event, saved, position.failing?.id === event.id ? position.failing : undefined))) return;
        saved = event.cursor;
        this.options.onBacklog?.(this.app.name, id, wanted.length - wanted.indexOf(event) - 1);
      }
      // Events it does not want move the position too, once the page is done.
      if (page.endCursor && page.endCursor !== saved && !(await positions.save(id, this.holder, { cursor: page.endCursor }))) return;
      if (!page.hasMore) return;
    }
  }

  /**
   * Renews the lease when what is left of it might not outlast an attempt (an attempt does not renew it):
   * not before every event, so a busy endpoint costs one shared-state write per event (its position), not two.
   */
  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    if (now < this.renewBy) return true;
    if (!(await this.options.positions.lease(this.endpoint.id, this.holder, this.leaseMs))) return false;
    this.renewBy = now + (this.leaseMs - this.options.timeoutMs) / 2;
    return true;
  }

  /** POSTs `event` until a 2xx answer or `retryHours`; false when the lease was lost or the worker stopped. `previous`: the position before it. */
  private async deliver(event: LoggedEvent, previous: string | undefined, failing: WebhookPosition['failing']): Promise<boolean> {
    const { positions, retryBaseMs, retryHours } = this.options;
    const id = this.endpoint.id;
    const body = JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: eventData(event) });
    for (;;) {
      if (!this.running || !(await this.holdLease())) return false;
      const result = await this.post(event.id, body);
      if (!this.running) return false;
      if (result === 'ok') {
        this.options.onOutcome?.(this.app.name, id, 'delivered');
        return positions.save(id, this.holder, { cursor: event.cursor });
      }
      const now = (this.options.now ?? Date.now)();
      failing = failing ? { ...failing, attempts: failing.attempts + 1 } : { id: event.id, since: now, attempts: 1 };
      const fields = { ...this.log, eventId: event.id, type: event.type, answer: result, attempts: failing.attempts };
      // The window runs from when the event was logged, not from its first failure: a receiver down for
      // longer than the window then falls behind by the window at most, rather than by a window per event.
      if (now - positionOf(event).ms >= retryHours * 3_600_000) {
        this.options.onOutcome?.(this.app.name, id, 'failed');
        this.options.logger.error(fields, `webhook delivery given up after ${retryHours} hours of failing; going on with the next event`);
        return positions.save(id, this.holder, { cursor: event.cursor });
      }
      this.options.onOutcome?.(this.app.name, id, 'retried');
      this.options.logger.warn(fields, 'webhook delivery failed; retrying after a backoff');
      if (!(await positions.save(id, this.holder, { cursor: previous, failing }))) return false;
      if (!(await this.backoff(backoffMs(retryBaseMs, failing.attempts - 1)))) return false;
    }
  }

  /** Waits `ms`, renewing the lease; false when it was lost or the worker stopped. */
  private async backoff(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) return this.running;
      try {
        await sleep(Math.min(left, this.leaseMs / 3), undefined, { signal: this.abort.signal });
      } catch {
        return false;
      }
      if (!(await this.options.positions.lease(this.endpoint.id, this.holder, this.leaseMs))) return false;
    }
  }

  /** One attempt: 'ok' on a 2xx answer, else what went wrong (a status, `timeout`, `network`). Redirects are not followed. */
  private async post(eventId: string, body: string): Promise<'ok' | string> {
    const headers = signedHeaders(eventId, Math.floor(Date.now() / 1000), body, Buffer.from(this.endpoint.key.reveal(), 'base64'));
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)]);
    try {
      const response = await request(this.endpoint.url, { method: 'POST', headers, body, signal, dispatcher: this.agent });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300 ? 'ok' : String(response.statusCode);
    } catch (error) {
      return signal.aborted ? 'timeout' : ((error as { code?: string }).code ?? 'network');
    }
  }
}
