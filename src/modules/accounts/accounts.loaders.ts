/** Balances per provider, loaded once per request. */
import { callContext, once, type GatewayContext } from '../../context.js';
import type { Balance } from '../../domain/models.js';
import type { BalanceSource } from '../../providers/capabilities.js';

export function balances(ctx: GatewayContext, source: BalanceSource): Promise<Balance[]> {
  return once(ctx, `${source.provider}.balances`, () => source.balances(callContext(ctx)));
}

/** The primary balance: in the home currency, else the first the provider marks primary, else the first. */
export function primaryBalance(source: BalanceSource, all: Balance[]): Balance | undefined {
  const primaries = all.filter((b) => b.primary);
  return primaries.find((b) => b.total.currency === source.homeCurrency) ?? primaries[0] ?? all[0];
}
