/**
 * The Relay `Node` interface and the `node`/`nodes` root fields. Values are plain objects carrying
 * `__typename` (no class instances on the hot path); each module says how to fetch its type by id.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Field, ID, Info, InterfaceType, Query, Resolver } from 'type-graphql';
import type { GatewayContext } from '../../context.js';
import type { ProviderId } from '../../providers/provider.js';
import { userInputError } from '../errors.js';
import { refuseNodesOverBudget } from '../limits.js';
import { fromGlobalId, type NodeType } from './global-id.js';

export interface NodeValue {
  __typename: NodeType;
  id: string;
}

@InterfaceType({
  description: 'An object with a global id, fetchable again with `node(id:)`.',
  resolveType: (value: NodeValue) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id.' })
  id!: string;
}

/** Fetches one node of a type by the provider's local id; null when the provider does not know it. */
export type NodeFetcher = (ctx: GatewayContext, provider: ProviderId, localId: string) => Promise<NodeValue | null>;

/** Upper bound on `nodes(ids:)`, so one request cannot fan out without limit. */
export const MAX_NODES = 100;

export function createNodeResolver(fetchers: Partial<Record<NodeType, NodeFetcher>>) {
  const fetchNode = async (ctx: GatewayContext, id: string): Promise<NodeValue | null> => {
    const global = fromGlobalId(id);
    const fetcher = global && fetchers[global.type];
    if (!global || !fetcher) return null;
    return fetcher(ctx, global.provider, global.localId);
  };

  @Resolver()
  class NodeResolver {
    @Query(() => Node, { nullable: true, description: 'Any object by its global id; null when unknown.' })
    node(@Arg('id', () => ID) id: string, @Ctx() ctx: GatewayContext): Promise<NodeValue | null> {
      return fetchNode(ctx, id);
    }

    @Query(() => [Node], { nullable: 'items', description: `Several objects by global id (at most ${MAX_NODES}), in order; null for each unknown.` })
    nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: GatewayContext, @Info() info: GraphQLResolveInfo): Promise<(NodeValue | null)[]> {
      if (ids.length > MAX_NODES) throw userInputError(`nodes takes at most ${MAX_NODES} ids`, { field: 'ids' });
      refuseNodesOverBudget(ids, info);
      return Promise.all(ids.map((id) => fetchNode(ctx, id)));
    }
  }
  return NodeResolver;
}
