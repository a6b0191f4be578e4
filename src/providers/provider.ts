/** The three providers Pasarela speaks to, named the way the GraphQL `Provider` enum names them. */
export const PROVIDERS = ['TELEPAGOS', 'TALO', 'TUPAY'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** Lower-case slug used in URLs, log fields and metric labels. */
export function providerSlug(provider: ProviderId): 'telepagos' | 'talo' | 'tupay' {
  return provider.toLowerCase() as 'telepagos' | 'talo' | 'tupay';
}
