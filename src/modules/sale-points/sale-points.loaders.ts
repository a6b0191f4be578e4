/** This request's sale points: one list call however many transactions or lookups need them. */
import { callContext, once, perKey, type GatewayContext } from '../../context.js';
import type { QrAmountType, SalePoint as DomainSalePoint } from '../../domain/models.js';
import { toGlobalId } from '../../graphql/relay/global-id.js';
import type { SalePointValue } from './sale-point.type.js';

export function salePointValue(salePoint: DomainSalePoint): SalePointValue {
  return {
    __typename: 'SalePoint',
    id: toGlobalId('SalePoint', 'TELEPAGOS', salePoint.id),
    localId: salePoint.id,
    name: salePoint.name,
    status: salePoint.status,
  };
}

export interface SalePointIndex {
  list: SalePointValue[];
  byId: Map<string, SalePointValue>;
  byName: Map<string, SalePointValue>;
}

/** Each request's sale points once they have arrived, by the request's `values` (shared by Apollo's copies of its context). */
const arrived = new WeakMap<object, SalePointIndex>();

export function salePoints(ctx: GatewayContext): Promise<SalePointIndex> {
  return once(ctx, 'telepagos.salePoints', async () => {
    const list = (await ctx.providers.sole('salePointSink').salePoints(callContext(ctx))).map(salePointValue);
    const index: SalePointIndex = {
      list,
      byId: new Map(list.map((s) => [s.localId, s])),
      // Transactions name their sale point; names are unique per account (TelePagos refuses duplicates).
      byName: new Map(list.map((s) => [s.name, s])),
    };
    arrived.set(ctx.values, index);
    return index;
  });
}

/** This request's sale points if they have already arrived: a lookup then needs no promise. */
export function salePointsArrived(ctx: GatewayContext): SalePointIndex | undefined {
  return arrived.get(ctx.values);
}

export function staticQr(ctx: GatewayContext, salePointId: string, amountType: QrAmountType): Promise<string> {
  // async: an unconfigured provider throws from `ctx.providers.sole`; DataLoader would mask a synchronous throw.
  return perKey(ctx, 'telepagos.staticQr', async (key) => {
    const [id, type] = key.split('|') as [string, QrAmountType];
    return ctx.providers.sole('salePointSink').staticQr(id, type, callContext(ctx));
  }).load(`${salePointId}|${amountType}`);
}
