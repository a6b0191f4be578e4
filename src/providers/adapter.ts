/** How the registry makes a provider's adapter: from the providers' configuration and what every client shares. */
import type { ProvidersConfig } from '../config.js';
import type { ProviderAdapter } from './capabilities.js';
import type { CommonClientOptions } from './client-options.js';

/** What every provider client shares (credential store, logger, time budget, breaker, metric hooks). */
export type SharedClientOptions = Omit<CommonClientOptions, 'baseUrl'>;

/** The provider's adapter, or undefined when the configuration does not configure it. */
export type AdapterFactory<A extends ProviderAdapter = ProviderAdapter> = (config: ProvidersConfig, shared: SharedClientOptions) => A | undefined;

/** Adapters made by factory, for the registry's bookkeeping. */
export type AdapterOf<F> = F extends AdapterFactory<infer A> ? A : never;
