/** TelePagos reference data and statistics. */
import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { callContext, detachedCallContext, type GatewayContext } from '../../context.js';
import { userInputError } from '../../graphql/errors.js';
import { periodProblem } from '../../domain/periods.js';
import type { PaymentConcept as Concept, Statistics as DomainStatistics, TransactionOperation as Operation } from '../../domain/models.js';
import { PaymentConcept, Statistics, TransactionOperation } from './reference.type.js';

/**
 * Concepts and operation types are reference data: cached for 5 minutes in the shared cache (in
 * memory, or in Redis so every replica shares one copy: src/state/cache.ts), so a busy gateway asks
 * TelePagos for them a few times an hour, not on every page load.
 */
export const REFERENCE_TTL_MS = 5 * 60_000;

@Resolver()
export class ReferenceResolver {
  @Query(() => [PaymentConcept], { description: 'TelePagos payment concepts, used to classify cash-outs and cash-ins.' })
  paymentConcepts(@Ctx() ctx: GatewayContext): Promise<Concept[]> {
    const client = ctx.providers.sole('reference');
    // Shared with other requests: no single caller's signal may cancel it.
    return ctx.cache.getOrLoad('telepagos:concepts', REFERENCE_TTL_MS, () => client.concepts(detachedCallContext(ctx)));
  }

  @Query(() => [TransactionOperation], { description: 'TelePagos operation types usable in TransactionFilter.operation.' })
  transactionOperations(@Ctx() ctx: GatewayContext): Promise<Operation[]> {
    const client = ctx.providers.sole('reference');
    return ctx.cache.getOrLoad('telepagos:operations', REFERENCE_TTL_MS, () => client.operations(detachedCallContext(ctx)));
  }

  @Query(() => Statistics, { nullable: true, description: 'TelePagos white-label statistics for a period.' })
  statistics(
    @Arg('period', () => String, {
      description:
        'The period: a month, YYYY-MM, is the form TelePagos is assumed to take; another plausible form (2026, 2026-01-15, enero) is passed to TelePagos, which judges it. Empty or impossible periods (2026-13) are refused before sending.',
    })
    period: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<DomainStatistics> {
    const problem = periodProblem(period);
    if (problem) throw userInputError(`period ${problem}`, { field: 'period' });
    return ctx.providers.sole('reference').statistics(period, callContext(ctx));
  }
}
