/**
 * The gateway's providers: one adapter per configured provider (made by its folder's factory), sharing
 * the credential store, logger, time budget, breaker settings and metric hooks. Modules ask it for
 * capabilities (`all`, `capable`); asking for an unconfigured provider is a PROVIDER_NOT_CONFIGURED error.
 */
import type { ProvidersConfig } from '../config.js';
import type { Logger } from '../logging.js';
import type { CredentialStore } from '../state/credential-store.js';
import type { AdapterFactory, AdapterOf } from './adapter.js';
import type { Capabilities, CapabilityName, ProviderAdapter } from './capabilities.js';
import { notConfigured } from './errors.js';
import type { BreakerOptions, BreakerState, TransportHooks } from './http.js';
import { PROVIDER_VALUES, PROVIDERS, type ProviderId } from './provider.js';
import type { WireSurprise } from './wire.js';
import { taloAdapter } from './talo/adapter.js';
import type { TaloClient } from './talo/client.js';
import { telepagosAdapter } from './telepagos/adapter.js';
import type { TelepagosClient } from './telepagos/client.js';
import { tupayAdapter } from './tupay/adapter.js';
import type { TupayClient } from './tupay/client.js';

/** Every provider's adapter factory: adding a provider to PROVIDERS without one here is a type error. */
const ADAPTERS = { TELEPAGOS: telepagosAdapter, TALO: taloAdapter, TUPAY: tupayAdapter } satisfies Record<ProviderId, AdapterFactory>;
type Adapters = { -readonly [K in ProviderId]?: AdapterOf<(typeof ADAPTERS)[K]> };

/**
 * The capabilities exactly one provider offers, and which: their GraphQL fields and mutations have no
 * provider argument, so `sole` answers with this provider's and, when it is not configured, an error
 * naming it (PROVIDER_NOT_CONFIGURED).
 */
const SOLE = {
  salePointSink: 'TELEPAGOS',
  cashouts: 'TELEPAGOS',
  cashoutSink: 'TELEPAGOS',
  cashins: 'TELEPAGOS',
  cashinSink: 'TELEPAGOS',
  reference: 'TELEPAGOS',
  payments: 'TALO',
  paymentSink: 'TALO',
} as const satisfies Partial<Record<CapabilityName, ProviderId>>;
export type SoleCapability = keyof typeof SOLE;

/** Factories of providers added at run time (`addProvider`), by id. */
const added = new Map<string, AdapterFactory>();

/**
 * Adds a provider the built-in list does not know: its id joins PROVIDERS and the GraphQL `Provider`
 * enum, and registries made afterwards ask `factory` for its adapter. For tests (a test-only provider
 * proving the capability seams); it must run before the schema is built, in a process of its own. A real
 * provider is added in source instead: PROVIDERS, ADAPTERS, the config and its folder.
 */
export function addProvider(id: string, factory: AdapterFactory): void {
  if ((PROVIDERS as readonly string[]).includes(id)) throw new Error(`provider ${id} exists`);
  (PROVIDERS as string[]).push(id);
  (PROVIDER_VALUES as Record<string, string>)[id] = id;
  added.set(id, factory);
}

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
  private readonly adapters: Adapters = {};
  /** Every configured adapter by id, the added ones too. */
  private readonly byId = new Map<ProviderId, ProviderAdapter>();
  /** Configured providers, in the contract's order. */
  readonly configured: readonly ProviderId[];
  /** Per capability, the configured providers that have it (in the contract's order): made once. */
  private readonly capable_ = new Map<CapabilityName, readonly unknown[]>();

  constructor(config: ProvidersConfig, deps: RegistryDeps) {
    const { timeoutMs, breaker, store, logger, hooks, onWireSurprise } = deps;
    for (const id of PROVIDERS) {
      const factory: AdapterFactory | undefined = (ADAPTERS as Record<string, AdapterFactory>)[id] ?? added.get(id);
      const adapter = factory?.(config, { timeoutMs, breaker, store, logger, hooks, onWireSurprise, onCredentialRenewed: () => deps.onRenewed?.(id) });
      if (!adapter) continue;
      this.byId.set(id, adapter);
      if (id in ADAPTERS) (this.adapters as Record<string, ProviderAdapter>)[id] = adapter;
    }
    this.configured = [...this.byId.keys()];
  }

  isConfigured(provider: ProviderId): boolean {
    return this.byId.has(provider);
  }

  /** Every configured provider that can `capability`, in the contract's order. */
  all<K extends CapabilityName>(capability: K): readonly Capabilities[K][] {
    let list = this.capable_.get(capability) as Capabilities[K][] | undefined;
    if (!list) {
      list = [];
      for (const adapter of this.byId.values()) {
        const source = adapter[capability];
        if (source) list.push(source as Capabilities[K]);
      }
      this.capable_.set(capability, list);
    }
    return list;
  }

  /** The provider's `capability`, or undefined when the provider lacks it. Throws PROVIDER_NOT_CONFIGURED for an unconfigured provider. */
  capable<K extends CapabilityName>(provider: ProviderId, capability: K): Capabilities[K] | undefined {
    const adapter = this.byId.get(provider) ?? this.missing(provider);
    return adapter[capability] as Capabilities[K] | undefined;
  }

  /**
   * Whether `provider` is configured and has `capability` (for a sole capability: is the one offering it).
   * Never throws: for lookups by global id, where an unconfigured or incapable provider means "no such object".
   */
  offers(provider: ProviderId, capability: CapabilityName): boolean {
    const adapter = this.byId.get(provider);
    if (!adapter?.[capability]) return false;
    return !(capability in SOLE) || SOLE[capability as SoleCapability] === provider;
  }

  /** The one provider offering `capability`; throws PROVIDER_NOT_CONFIGURED naming it when it is not configured. */
  sole<K extends SoleCapability>(capability: K): Capabilities[K] {
    const provider = SOLE[capability];
    const source = this.capable(provider, capability);
    if (!source) throw new Error(`${provider} offers no ${capability}`);
    return source;
  }

  /** The one provider offering `capability`, or undefined when it is not configured. */
  soleIfConfigured<K extends SoleCapability>(capability: K): Capabilities[K] | undefined {
    return this.offers(SOLE[capability], capability) ? this.sole(capability) : undefined;
  }

  // The clients themselves: a seam for tests and benchmarks that replace one call. The gateway's own
  // code asks for capabilities.
  get telepagos(): TelepagosClient {
    return this.adapters.TELEPAGOS?.client ?? this.missing('TELEPAGOS');
  }

  get talo(): TaloClient {
    return this.adapters.TALO?.client ?? this.missing('TALO');
  }

  get tupay(): TupayClient {
    return this.adapters.TUPAY?.client ?? this.missing('TUPAY');
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
    for (const [id, adapter] of this.byId) states[id] = adapter.breakerState;
    return states;
  }

  /** Logs out where a session exists (Tupay) and closes every connection pool. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.byId.values()].map((adapter) => adapter.close()));
  }
}
