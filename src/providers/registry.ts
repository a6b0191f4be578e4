/**
 * The gateway's provider clients, one per configured provider, sharing the credential store, logger,
 * time budget, breaker settings and metric hooks. Asking for an unconfigured provider is a PROVIDER_NOT_CONFIGURED error.
 */
import type { ProvidersConfig } from '../config.js';
import type { Logger } from '../logging.js';
import type { CredentialStore } from '../state/credential-store.js';
import { notConfigured } from './errors.js';
import type { BreakerOptions, BreakerState, TransportHooks } from './http.js';
import type { ProviderId } from './provider.js';
import type { WireSurprise } from './wire.js';
import { TaloClient } from './talo/client.js';
import { TelepagosClient } from './telepagos/client.js';
import { TupayClient } from './tupay/client.js';

export interface RegistryDeps {
  store: CredentialStore;
  logger: Logger;
  timeoutMs: number;
  /** Circuit breaker settings (BREAKER_*); the transport's defaults otherwise. */
  breaker?: Partial<BreakerOptions>;
  hooks?: TransportHooks;
  /** Called after each credential renewal (metrics). */
  onRenewed?: (provider: ProviderId) => void;
  /** Called for each wire surprise in a provider's answer (metrics). */
  onWireSurprise?: (surprise: WireSurprise) => void;
}

export class ProviderRegistry {
  private readonly clients: { TELEPAGOS?: TelepagosClient; TALO?: TaloClient; TUPAY?: TupayClient } = {};

  constructor(config: ProvidersConfig, deps: RegistryDeps) {
    const common = { timeoutMs: deps.timeoutMs, breaker: deps.breaker, store: deps.store, logger: deps.logger, hooks: deps.hooks, onWireSurprise: deps.onWireSurprise };
    const renewed = (provider: ProviderId) => ({ onCredentialRenewed: () => deps.onRenewed?.(provider) });
    if (config.telepagos) {
      const { url, username, password } = config.telepagos;
      const amountFormat = config.wire?.telepagosAmountFormat;
      this.clients.TELEPAGOS = new TelepagosClient({ ...common, ...renewed('TELEPAGOS'), baseUrl: url, username, password, amountFormat });
    }
    if (config.talo) {
      const { url, userId, clientId, clientSecret } = config.talo;
      this.clients.TALO = new TaloClient({ ...common, ...renewed('TALO'), baseUrl: url, userId, clientId, clientSecret });
    }
    if (config.tupay) {
      const { url, accessKey, secretKey } = config.tupay;
      const reportRangeFormat = config.wire?.tupayReportRangeFormat;
      this.clients.TUPAY = new TupayClient({ ...common, ...renewed('TUPAY'), baseUrl: url, accessKey, secretKey, reportRangeFormat });
    }
  }

  /** Configured providers, in the contract's order. */
  get configured(): ProviderId[] {
    return (['TELEPAGOS', 'TALO', 'TUPAY'] as const).filter((p) => this.clients[p] !== undefined);
  }

  isConfigured(provider: ProviderId): boolean {
    return this.clients[provider] !== undefined;
  }

  get telepagos(): TelepagosClient {
    return this.clients.TELEPAGOS ?? this.missing('TELEPAGOS');
  }

  get talo(): TaloClient {
    return this.clients.TALO ?? this.missing('TALO');
  }

  get tupay(): TupayClient {
    return this.clients.TUPAY ?? this.missing('TUPAY');
  }

  private missing(provider: ProviderId): never {
    throw notConfigured(provider);
  }

  /** The error for asking an unconfigured provider. */
  notConfiguredError(provider: ProviderId): Error {
    return notConfigured(provider);
  }

  /** Circuit state per configured provider, for readiness and metrics. */
  breakerStates(): Partial<Record<ProviderId, BreakerState>> {
    const states: Partial<Record<ProviderId, BreakerState>> = {};
    if (this.clients.TELEPAGOS) states.TELEPAGOS = this.clients.TELEPAGOS.breakerState;
    if (this.clients.TALO) states.TALO = this.clients.TALO.transport.breakerState;
    if (this.clients.TUPAY) states.TUPAY = this.clients.TUPAY.breakerState;
    return states;
  }

  /** Logs out where a session exists (Tupay) and closes every connection pool. */
  async close(): Promise<void> {
    await Promise.allSettled([this.clients.TELEPAGOS?.close(), this.clients.TALO?.close(), this.clients.TUPAY?.close()]);
  }
}
