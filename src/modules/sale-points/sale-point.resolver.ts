import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import { QrAmountTypeEnum } from '../common/enums.js';
import { SalePoint, type SalePointValue } from './sale-point.type.js';
import { salePoints, staticQr } from './sale-points.loaders.js';

@Resolver(() => SalePoint)
export class SalePointResolver {
  @Query(() => [SalePoint], { description: 'TelePagos sale points.' })
  async salePoints(@Ctx() ctx: GatewayContext): Promise<SalePointValue[]> {
    return (await salePoints(ctx)).list;
  }

  @FieldResolver(() => String, { description: 'The static QR string of this sale point.' })
  staticQr(
    @Root() salePoint: SalePointValue,
    @Arg('amountType', () => QrAmountTypeEnum) amountType: QrAmountTypeEnum,
    @Ctx() ctx: GatewayContext,
  ): Promise<string> {
    return staticQr(ctx, salePoint.localId, amountType);
  }
}
