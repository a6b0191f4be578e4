/** What every provider client takes besides its credentials, and how it builds its transport. */
import { silentLogger, type Logger } from '../logging.js';
import { MemoryCredentialStore, type CredentialStore } from '../state/credential-store.js';
import { UpstreamTransport, type BreakerOptions, type RetryOptions, type TransportHooks } from './http.js';
import { combineHooks, transportLogHooks } from './observe.js';
import type { ProviderId } from './provider.js';
import type { WireSurprise } from './wire.js';

export interface CommonClientOptions {
  /** Provider base URL (the client appends its versioned paths). */
  baseUrl: string;
  /** The whole call's time budget, retries included (UPSTREAM_TIMEOUT_MS). */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  breaker?: Partial<BreakerOptions>;
  /** Metric observers. */
  hooks?: TransportHooks;
  /** Where the credential is cached; default a private in-memory store. */
  store?: CredentialStore;
  logger?: Logger;
  /** Called after each credential renewal (metrics). */
  onCredentialRenewed?: () => void;
  /** Called for each wire surprise in an answer (metrics); the client logs each kind once itself. */
  onWireSurprise?: (surprise: WireSurprise) => void;
}

export function createTransport(provider: ProviderId, options: CommonClientOptions, logger: Logger): UpstreamTransport {
  return new UpstreamTransport({
    provider,
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    breaker: options.breaker,
    hooks: combineHooks(options.hooks, transportLogHooks(logger)),
  });
}

export function clientLogger(provider: ProviderId, options: CommonClientOptions): Logger {
  return (options.logger ?? silentLogger).child({ provider: provider.toLowerCase() });
}

export function credentialStore(options: CommonClientOptions): CredentialStore {
  return options.store ?? new MemoryCredentialStore();
}
