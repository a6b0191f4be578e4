import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { callContext, perKey, type GatewayContext } from '../../context.js';
import { cashoutValue, listedCashoutLocalId } from '../../events/values.js';
import { localIdFor } from '../../graphql/relay/global-id.js';
import { orNullIfNotFound } from '../common/lookups.js';
import { cashoutKey, createdCashout, type CashoutOutcome } from './cashout.send.js';
import { Cashout, type CashoutValue } from './cashout.type.js';

/** The voucher of a TelePagos cash-out: fetched once per request, and it also proves the cash-out exists. */
export function voucher(ctx: GatewayContext, localId: string): Promise<string> {
  // async: an unconfigured provider throws from `ctx.providers.sole`; DataLoader would mask a synchronous throw.
  return perKey(ctx, 'telepagos.voucher', async (id) => ctx.providers.sole('cashouts').voucher(id, callContext(ctx))).load(localId);
}

/**
 * A cash-out by the provider's id, or null when TelePagos does not know it. A transfer Pasarela learnt of
 * only from the account's listing (`ref:<referenceId>`, its id never answered) is found in the record
 * that keeps its outcome, for as long as that is kept.
 */
export async function findCashout(ctx: GatewayContext, localId: string): Promise<CashoutValue | null> {
  const listed = await findListedCashout(ctx, localId);
  if (listed !== undefined) return listed;
  // An id of another shape names no cash-out: null, like an unknown one, not a provider error.
  if (!ctx.providers.sole('cashouts').isId(localId)) return null;
  const found = await orNullIfNotFound(voucher(ctx, localId));
  return found === null ? null : cashoutValue('TELEPAGOS', localId);
}

/** undefined when `localId` is not a listed cash-out's; null when it is one Pasarela does not (or no longer) keep. */
async function findListedCashout(ctx: GatewayContext, localId: string): Promise<CashoutValue | null | undefined> {
  if (!localId.startsWith(LISTED_PREFIX)) return undefined;
  const referenceId = localId.slice(LISTED_PREFIX.length);
  const record = await ctx.idempotency.get(cashoutKey(referenceId));
  const outcome = record?.state === 'completed' ? (record.outcome as CashoutOutcome) : undefined;
  if (!outcome || !('cashoutId' in outcome) || outcome.cashoutId !== localId) return null;
  return createdCashout(ctx.providers.sole('cashoutSink').provider, referenceId, outcome);
}

const LISTED_PREFIX = listedCashoutLocalId('');

@Resolver(() => Cashout)
export class CashoutResolver {
  @Query(() => Cashout, { nullable: true, description: 'A TelePagos cash-out by global id or TelePagos id.' })
  cashout(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<CashoutValue | null> {
    const localId = localIdFor(id, 'Cashout', 'TELEPAGOS');
    return localId === null ? Promise.resolve(null) : findCashout(ctx, localId);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The transfer receipt (a base64-encoded PDF), fetched from the provider when asked for.',
  })
  voucher(@Root() cashout: CashoutValue, @Ctx() ctx: GatewayContext): Promise<string | null> {
    // A transfer known only from the listing has no provider id, hence no receipt to ask for.
    if (!ctx.providers.sole('cashouts').isId(cashout.localId)) return Promise.resolve(null);
    return voucher(ctx, cashout.localId);
  }
}
