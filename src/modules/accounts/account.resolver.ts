import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { GraphQLError } from 'graphql';
import { callContext, type GatewayContext } from '../../context.js';
import type { BalanceReportEntry as DomainReportEntry } from '../../domain/models.js';
import type { Money as DomainMoney } from '../../domain/money.js';
import { badResponse, ProviderError } from '../../providers/errors.js';
import type { ProviderId } from '../../providers/provider.js';
import { toGlobalId } from '../../graphql/relay/global-id.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import { Money } from '../common/money.type.js';
import { ProviderEnum } from '../common/enums.js';
import { checkRange, tupayRange } from '../transactions/date-range.js';
import { Account, BalanceReportEntry, type AccountValue } from './account.type.js';
import { balances, BALANCE_PROVIDERS, keepsBalance, primaryBalance, type BalanceProvider } from './accounts.loaders.js';

export function accountValue(provider: ProviderId): AccountValue {
  return { __typename: 'Account', id: toGlobalId('Account', provider, provider), provider };
}

@Resolver(() => Account)
export class AccountResolver {
  @Query(() => [Account], { description: 'One account per configured provider that keeps a balance (TelePagos, Tupay).' })
  async accounts(@Ctx() ctx: GatewayContext): Promise<AccountValue[]> {
    const providers = BALANCE_PROVIDERS.filter((p) => ctx.providers.isConfigured(p));
    // Ask every provider at once; one failing never blanks the others (its error goes with the response).
    const results = await Promise.allSettled(providers.map((p) => balances(ctx, p)));
    const healthy: AccountValue[] = [];
    results.forEach((result, i) => {
      const provider = providers[i]!;
      if (result.status === 'fulfilled') healthy.push(accountValue(provider));
      else ctx.partialErrors.push(partialError(result.reason, ['accounts'], provider));
    });
    return healthy;
  }

  @Query(() => Account, { nullable: true, description: 'The account at one provider; null for providers that keep no balance (Talo).' })
  account(@Arg('provider', () => ProviderEnum) provider: ProviderEnum, @Ctx() ctx: GatewayContext): AccountValue | null {
    if (!keepsBalance(provider)) return null;
    if (!ctx.providers.isConfigured(provider)) throw ctx.providers.notConfiguredError(provider);
    return accountValue(provider);
  }

  @FieldResolver(() => Money, { description: 'The primary balance (Tupay: the PRIMARY balance in its currency).' })
  async balance(@Root() account: AccountValue, @Ctx() ctx: GatewayContext): Promise<DomainMoney> {
    const provider = account.provider as BalanceProvider;
    const primary = primaryBalance(provider, await balances(ctx, provider));
    if (!primary) throw badResponse(provider, 'balance', 'no balance in the answer', ctx.requestId);
    return primary.total;
  }

  @FieldResolver(() => [Money], { description: 'Every balance the provider reports, one per currency.' })
  async balances(@Root() account: AccountValue, @Ctx() ctx: GatewayContext): Promise<DomainMoney[]> {
    return (await balances(ctx, account.provider as BalanceProvider)).map((b) => b.total);
  }

  @FieldResolver(() => [BalanceReportEntry], { description: 'Tupay daily balance report; empty for providers without one.' })
  async balanceReport(
    @Root() account: AccountValue,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<DomainReportEntry[]> {
    checkRange(from, to);
    if (account.provider !== 'TUPAY') return [];
    const entries = await ctx.providers.tupay.balanceReport(tupayRange(from, to), callContext(ctx));
    // The Lima-day range reaches into the next UTC day, and Tupay reports UTC days: keep the asked ones.
    return entries
      .filter((e) => e.date >= from && e.date <= to)
      .sort((a, b) => a.date.localeCompare(b.date) || a.currency.localeCompare(b.currency));
  }
}

/** A provider failure reported next to partial data, at `path`, formatted like any other error. */
function partialError(reason: unknown, path: string[], provider: ProviderId): GraphQLError {
  const original = reason instanceof Error ? reason : new Error(String(reason));
  const message = original instanceof ProviderError ? original.message : `${provider} failed`;
  return new GraphQLError(message, { path, originalError: original, extensions: { provider } });
}
