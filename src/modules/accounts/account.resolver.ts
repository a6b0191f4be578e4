import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { callContext, type GatewayContext } from '../../context.js';
import type { BalanceReportEntry as DomainReportEntry } from '../../domain/models.js';
import type { Money as DomainMoney } from '../../domain/money.js';
import { badResponse } from '../../providers/errors.js';
import type { ProviderId } from '../../providers/provider.js';
import { partialProviderError } from '../../graphql/errors.js';
import { toGlobalId } from '../../graphql/relay/global-id.js';
import { LocalDateScalar } from '../../graphql/scalars/index.js';
import { Money } from '../common/money.type.js';
import { ProviderEnum } from '../common/enums.js';
import type { BalanceSource } from '../../providers/capabilities.js';
import { checkRange } from '../transactions/date-range.js';
import { Account, BalanceReportEntry, type AccountValue } from './account.type.js';
import { balances, primaryBalance } from './accounts.loaders.js';

/** An account is the same value for every request (its global id costs a base64 each time it is made). */
const accounts = new Map<ProviderId, AccountValue>();

export function accountValue(provider: ProviderId): AccountValue {
  let account = accounts.get(provider);
  if (!account) {
    account = Object.freeze({ __typename: 'Account', id: toGlobalId('Account', provider, provider), provider }) as AccountValue;
    accounts.set(provider, account);
  }
  return account;
}

@Resolver(() => Account)
export class AccountResolver {
  @Query(() => [Account], { description: 'One account per configured provider that keeps a balance (TelePagos, Tupay).' })
  async accounts(@Ctx() ctx: GatewayContext): Promise<AccountValue[]> {
    const sources = ctx.providers.all('balances');
    // Ask every provider at once; one failing never blanks the others (its error goes with the response).
    const results = await Promise.allSettled(sources.map((source) => balances(ctx, source)));
    const healthy: AccountValue[] = [];
    results.forEach((result, i) => {
      const provider = sources[i]!.provider;
      if (result.status === 'fulfilled') healthy.push(accountValue(provider));
      else ctx.partialErrors.push(partialProviderError(provider, result.reason, ['accounts']));
    });
    return healthy;
  }

  @Query(() => Account, { nullable: true, description: 'The account at one provider; null for providers that keep no balance (Talo).' })
  account(@Arg('provider', () => ProviderEnum) provider: ProviderEnum, @Ctx() ctx: GatewayContext): AccountValue | null {
    // An unconfigured provider is PROVIDER_NOT_CONFIGURED (whether it would keep a balance is unknown).
    return ctx.providers.capable(provider, 'balances') ? accountValue(provider) : null;
  }

  @FieldResolver(() => Money, { description: 'The primary balance (Tupay: the PRIMARY balance in its currency).' })
  async balance(@Root() account: AccountValue, @Ctx() ctx: GatewayContext): Promise<DomainMoney> {
    const source = balanceSource(ctx, account);
    const primary = primaryBalance(source, await balances(ctx, source));
    if (!primary) throw badResponse(account.provider, 'balance', 'no balance in the answer', ctx.requestId);
    return primary.total;
  }

  @FieldResolver(() => [Money], { description: 'Every balance the provider reports, one per currency.' })
  async balances(@Root() account: AccountValue, @Ctx() ctx: GatewayContext): Promise<DomainMoney[]> {
    return (await balances(ctx, balanceSource(ctx, account))).map((b) => b.total);
  }

  @FieldResolver(() => [BalanceReportEntry], { description: 'Tupay daily balance report; empty for providers without one.' })
  async balanceReport(
    @Root() account: AccountValue,
    @Arg('from', () => LocalDateScalar) from: string,
    @Arg('to', () => LocalDateScalar) to: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<DomainReportEntry[]> {
    checkRange(from, to);
    const source = ctx.providers.capable(account.provider, 'balanceReport');
    if (!source) return [];
    const entries = await source.balanceReport({ from, to }, callContext(ctx));
    return entries.sort((a, b) => a.date.localeCompare(b.date) || a.currency.localeCompare(b.currency));
  }
}

/** The balance source behind an Account (Accounts exist only for providers that keep a balance). */
function balanceSource(ctx: GatewayContext, account: AccountValue): BalanceSource {
  const source = ctx.providers.capable(account.provider, 'balances');
  if (!source) throw new Error(`${account.provider} keeps no balance`);
  return source;
}
