/**
 * The GraphQL schema, code-first with type-graphql. `npm run schema:emit` prints it to schema.graphql,
 * which must contain docs/contract/schema.graphql (checked by test/contract).
 */
import 'reflect-metadata';
import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { createNodeResolver, type NodeFetcher } from './graphql/relay/node.js';
import type { NodeType } from './graphql/relay/global-id.js';
import { AccountResolver, accountValue } from './modules/accounts/account.resolver.js';
import { ActivityResolver } from './modules/activity/activity.resolver.js';
import { CashinMutations } from './modules/cash-in/cashin.mutations.js';
import { CashinResolver, findCashin } from './modules/cash-in/cashin.resolver.js';
import { CashoutMutations } from './modules/cashouts/cashout.mutations.js';
import { CashoutResolver, findCashout } from './modules/cashouts/cashout.resolver.js';
import { EventsResolver } from './modules/events/events.resolver.js';
import { PaymentMutations } from './modules/payments/payment.mutations.js';
import { findPayment, PaymentResolver } from './modules/payments/payment.resolver.js';
import { ReferenceResolver } from './modules/reference/reference.resolver.js';
import { SalePointMutations } from './modules/sale-points/sale-point.mutations.js';
import { SalePointResolver } from './modules/sale-points/sale-point.resolver.js';
import { salePoints } from './modules/sale-points/sale-points.loaders.js';
import { AccountTransactionsResolver, TransactionResolver, salePointOf } from './modules/transactions/transaction.resolver.js';
import type { GatewayContext } from './context.js';
import { traceRootFields } from './graphql/traced-fields.js';
import type { TransactionValue } from './modules/transactions/transaction.type.js';

/**
 * How `node(id:)` fetches each type: null unless the id's provider is configured and has the capability
 * that fetches it. Transactions cannot be fetched by id at any provider.
 */
const nodeFetchers: Partial<Record<NodeType, NodeFetcher>> = {
  Account: async (ctx, provider) => (ctx.providers.offers(provider, 'balances') ? accountValue(provider) : null),
  SalePoint: async (ctx, provider, localId) => (ctx.providers.offers(provider, 'salePointSink') ? ((await salePoints(ctx)).byId.get(localId) ?? null) : null),
  Cashout: async (ctx, provider, localId) => (ctx.providers.offers(provider, 'cashouts') ? findCashout(ctx, localId) : null),
  Cashin: async (ctx, provider, localId) => (ctx.providers.offers(provider, 'cashins') ? findCashin(ctx, localId) : null),
  Payment: async (ctx, provider, localId) => (ctx.providers.offers(provider, 'payments') ? findPayment(ctx, localId) : null),
};

export const RESOLVERS = [
  createNodeResolver(nodeFetchers),
  AccountResolver,
  AccountTransactionsResolver,
  TransactionResolver,
  ActivityResolver,
  ReferenceResolver,
  SalePointResolver,
  CashoutResolver,
  CashinResolver,
  PaymentResolver,
  CashoutMutations,
  CashinMutations,
  SalePointMutations,
  PaymentMutations,
  EventsResolver,
] as const;

/**
 * type-graphql wants a PubSub for any @Subscription; ours bring their own `subscribe` (the request's
 * EventBus), so topics are never used.
 */
const NO_TOPICS = {
  publish: () => {
    throw new Error('topics are not used: publish through the EventBus');
  },
  subscribe: () => {
    throw new Error('topics are not used: subscribe through the EventBus');
  },
};

let built: Promise<GraphQLSchema> | undefined;

/**
 * Field resolvers that run once per row of a list, installed as the field's plain `resolve` after the
 * build. type-graphql's wrapper around a field resolver sorts and maps its parameter list and checks for
 * promises on every call (3% of a dashboard's CPU for 50 rows); with no global middleware, no auth
 * checker and no argument to convert (see below), calling the same function directly gives the same
 * answer. Each is declared by its decorated method, which calls the same function.
 */
const ROW_RESOLVERS: { type: string; field: string; resolve: GraphQLFieldResolver<never, GatewayContext> }[] = [
  { type: 'Transaction', field: 'salePoint', resolve: (transaction: TransactionValue, _args, ctx) => salePointOf(transaction, ctx) },
];

function installRowResolvers(schema: GraphQLSchema): GraphQLSchema {
  for (const { type, field, resolve } of ROW_RESOLVERS) {
    const object = schema.getType(type);
    const definition = isObjectType(object) ? object.getFields()[field] : undefined;
    if (!definition || definition.args.length > 0) throw new Error(`${type}.${field}: no such field without arguments to resolve directly`);
    definition.resolve = resolve as GraphQLFieldResolver<unknown, unknown>;
  }
  return schema;
}

/**
 * Built once per process: type-graphql's metadata is global, and building is not free.
 *
 * Every object type is built with `simpleResolvers`: a plain field (no @FieldResolver) is read by
 * graphql's default resolver instead of a type-graphql wrapper that runs global middlewares around a
 * property read. There are no global middlewares and no auth checker here, no field is renamed
 * (`name` option) and no value holds a function, so the answer is the same; the wrapper cost every
 * field of every row (600 per dashboard), and kept graphql-jit from reading fields inline.
 */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  if (!built) {
    for (const type of getMetadataStorage().objectTypes) type.simpleResolvers ??= true;
    built = buildSchema({ resolvers: RESOLVERS, validate: false, pubSub: NO_TOPICS }).then(installRowResolvers).then(traceRootFields);
  }
  return built;
}

/** The SDL as committed in schema.graphql: sorted, so diffs show real changes only. */
export async function printGatewaySchema(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await buildGatewaySchema()))}\n`;
}
