import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { callContext, perKey, type GatewayContext } from '../../context.js';
import { paymentValue } from '../../events/values.js';
import { localIdFor } from '../../graphql/relay/global-id.js';
import { ProviderError } from '../../providers/errors.js';
import { orNullIfNotFound } from '../common/lookups.js';
import { Payment, type PaymentValue } from './payment.type.js';

/** A Talo payment by its id (once per request), or null when unknown. */
export async function findPayment(ctx: GatewayContext, localId: string): Promise<PaymentValue | null> {
  // async: an unconfigured provider throws from `ctx.providers.sole`; DataLoader would mask a synchronous throw.
  const load = perKey(ctx, 'talo.payment', async (id) => ctx.providers.sole('payments').payment(id, callContext(ctx)));
  // Talo answers 403 for a payment of another Talo user: for this merchant it does not exist.
  const payment = await orNullIfNotFound(load.load(localId)).catch((error: unknown) => {
    if (error instanceof ProviderError && error.reason === 'FORBIDDEN') return null;
    throw error;
  });
  return payment === null ? null : paymentValue(payment);
}

@Resolver(() => Payment)
export class PaymentResolver {
  @Query(() => Payment, { nullable: true, description: 'A Talo payment by global id or Talo id.' })
  payment(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<PaymentValue | null> {
    const localId = localIdFor(id, 'Payment', 'TALO');
    return localId === null ? Promise.resolve(null) : findPayment(ctx, localId);
  }
}
