/** The providers Pasarela speaks to, named the way the GraphQL `Provider` enum names them. */
export const BUILT_IN_PROVIDERS = ['TELEPAGOS', 'TALO', 'TUPAY'] as const;
export type ProviderId = (typeof BUILT_IN_PROVIDERS)[number];

/**
 * Every provider the gateway knows, in the contract's order: the built-in ones, then any a test adds
 * with `addProvider` (src/providers/registry.ts) before the schema is built.
 */
export const PROVIDERS: readonly ProviderId[] = [...BUILT_IN_PROVIDERS];

/** The GraphQL `Provider` enum's values (name = value), one per entry of PROVIDERS; read when the schema is built. */
export const PROVIDER_VALUES = Object.fromEntries(BUILT_IN_PROVIDERS.map((p) => [p, p])) as { readonly [K in ProviderId]: K };

/** Lower-case slug used in URLs, log fields and metric labels. */
export function providerSlug(provider: ProviderId): 'telepagos' | 'talo' | 'tupay' {
  return provider.toLowerCase() as 'telepagos' | 'talo' | 'tupay';
}
