/** Balances per provider, loaded once per request. */
import { callContext, once, type GatewayContext } from '../../context.js';
import type { Balance } from '../../domain/models.js';
import type { Currency } from '../../domain/money.js';
import type { ProviderId } from '../../providers/provider.js';

/** Providers that keep a balance for the merchant, in the contract's order (Talo only collects). */
export const BALANCE_PROVIDERS = ['TELEPAGOS', 'TUPAY'] as const satisfies readonly ProviderId[];
export type BalanceProvider = (typeof BALANCE_PROVIDERS)[number];

/** The account's home currency: its primary balance is the one in this currency. */
export const HOME_CURRENCY: Record<BalanceProvider, Currency> = { TELEPAGOS: 'ARS', TUPAY: 'PEN' };

export function keepsBalance(provider: ProviderId): provider is BalanceProvider {
  return (BALANCE_PROVIDERS as readonly ProviderId[]).includes(provider);
}

export function balances(ctx: GatewayContext, provider: BalanceProvider): Promise<Balance[]> {
  return once(ctx, `${provider}.balances`, async () =>
    provider === 'TELEPAGOS' ? [await ctx.providers.telepagos.balance(callContext(ctx))] : ctx.providers.tupay.balances(callContext(ctx)),
  );
}

/** The primary balance: in the home currency, else the first the provider marks primary, else the first. */
export function primaryBalance(provider: BalanceProvider, all: Balance[]): Balance | undefined {
  const primaries = all.filter((b) => b.primary);
  return primaries.find((b) => b.total.currency === HOME_CURRENCY[provider]) ?? primaries[0] ?? all[0];
}
