import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { callContext, perKey, type GatewayContext } from '../../context.js';
import { cashinValue } from '../../events/values.js';
import { localIdFor } from '../../graphql/relay/global-id.js';
import { orNullIfNotFound } from '../common/lookups.js';
import { Cashin, type CashinValue } from './cashin.type.js';

/** A TelePagos cash-in by its id (once per request), or null when unknown. */
export async function findCashin(ctx: GatewayContext, localId: string): Promise<CashinValue | null> {
  // An id of another shape names no cash-in: null, like an unknown one, not a provider error.
  if (!ctx.providers.sole('cashins').isId(localId)) return null;
  // async: an unconfigured provider throws from `ctx.providers.sole`; DataLoader would mask a synchronous throw.
  const load = perKey(ctx, 'telepagos.cashin', async (id) => ctx.providers.sole('cashins').cashin(id, callContext(ctx)));
  const cashin = await orNullIfNotFound(load.load(localId));
  return cashin === null ? null : cashinValue(cashin);
}

@Resolver(() => Cashin)
export class CashinResolver {
  @Query(() => Cashin, { nullable: true, description: 'A TelePagos cash-in (credited transfer or QR payment) by global id or TelePagos id.' })
  cashin(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<CashinValue | null> {
    const localId = localIdFor(id, 'Cashin', 'TELEPAGOS');
    return localId === null ? Promise.resolve(null) : findCashin(ctx, localId);
  }
}
