/**
 * The hard ceiling on provider calls per operation (MAX_PROVIDER_CALLS_PER_OPERATION). Pricing refuses
 * an operation before it runs when its arguments say it would walk too far (src/graphql/limits.ts); what
 * data alone decides (how many pages a filter has to read before it matches) is stopped here, at run
 * time: every provider call an operation makes takes one from its allowance, and the call past the
 * last is not sent. The one place calls are taken is `providerCall` (src/providers/call.ts), which every
 * provider client's calls go through; credential renewals are the provider's business and not counted.
 */
import type { ProviderId } from '../providers/provider.js';

/**
 * The default ceiling: the upstream budget the pricing refuses operations over (LIMITS.maxUpstreamCost in
 * src/graphql/limits.ts takes this value), so an operation priced within it runs to its end unless its
 * data makes it walk further than its price.
 */
export const DEFAULT_MAX_PROVIDER_CALLS = 60;

/** A call the operation's allowance had no room for: nothing was sent. Answered as QUERY_TOO_COMPLEX. */
export class ProviderCallLimitError extends Error {
  constructor(
    readonly provider: ProviderId,
    readonly limit: number,
  ) {
    super(
      `This operation reached its limit of ${limit} provider calls (MAX_PROVIDER_CALLS_PER_OPERATION) before ${provider} answered it in full: ` +
        'ask for a shorter range, a smaller page or fewer fields at once.',
    );
    this.name = 'ProviderCallLimitError';
  }
}

export class CallAllowance {
  private spent = 0;

  constructor(private limit: number) {}

  /** Takes one call for `provider`, or throws ProviderCallLimitError when none is left (nothing is sent). */
  take(provider: ProviderId): void {
    if (this.spent >= this.limit) throw new ProviderCallLimitError(provider, this.limit);
    this.spent++;
  }

  /**
   * Takes `calls` calls at once (a read shared whole takes what its flight spent: call.ts), or throws
   * ProviderCallLimitError where the one past the last would have been taken.
   */
  takeAll(provider: ProviderId, calls: number): void {
    for (let i = 0; i < calls; i++) this.take(provider);
  }

  /** More room: the CSV export earns one call per row it has written (see src/exports/activity-csv.ts). */
  grant(calls: number): void {
    this.limit += calls;
  }

  /** Calls taken so far. */
  get used(): number {
    return this.spent;
  }

  /** Calls still allowed. */
  get left(): number {
    return Math.max(0, this.limit - this.spent);
  }
}
