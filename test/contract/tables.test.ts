/**
 * The tables that govern fields cannot drift from the schema they govern:
 *
 * - provider-call prices (src/graphql/limits.ts): every field computed by a resolver method — a
 *   type-graphql @Query, @Subscription or @FieldResolver, the only way code runs for a field — is priced
 *   in UPSTREAM_COST or declared free in NO_UPSTREAM_CALL (mutations cost MUTATION_COST, all of them);
 *   no object-type @Field is a method or getter (which could call a provider unpriced); and every entry
 *   names a resolver field the schema has.
 * - scopes (src/auth/scopes.ts): every mutation has its scope in MUTATION_SCOPES, and every entry names
 *   a mutation the schema has, so the `cashout` fallback is never what decides.
 */
import type { GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { MUTATION_SCOPES } from '../../src/auth/scopes.js';
import { NO_UPSTREAM_CALL, UPSTREAM_COST } from '../../src/graphql/limits.js';
import { buildGatewaySchema, RESOLVERS } from '../../src/schema.js';

let schema: GraphQLSchema;
beforeAll(async () => {
  schema = await buildGatewaySchema();
});

function inSchema(coordinate: string): boolean {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  return type !== undefined && 'getFields' in type && fieldName in type.getFields();
}

/**
 * `Type.field` of every field a resolver method computes, from type-graphql's metadata for the resolver
 * classes the schema is built from (src/schema.ts RESOLVERS).
 */
function resolverFields(): { roots: string[]; mutations: string[] } {
  const metadata = getMetadataStorage();
  const built = (entry: { target: unknown }) => (RESOLVERS as readonly unknown[]).includes(entry.target);
  const roots = [
    ...metadata.queries.filter(built).map((q) => `Query.${q.schemaName}`),
    ...metadata.subscriptions.filter(built).map((s) => `Subscription.${s.schemaName}`),
    ...metadata.fieldResolvers.filter(built).map((f) => `${objectTypeName(f.getObjectType?.())}.${f.schemaName}`),
  ];
  return { roots: [...new Set(roots)], mutations: [...new Set(metadata.mutations.filter(built).map((m) => m.schemaName))] };
}

/** The GraphQL name of the class a @Resolver(() => Type) is for. */
function objectTypeName(target: unknown): string {
  const object = getMetadataStorage().objectTypes.find((o) => o.target === target);
  return object?.name ?? `(no object type for ${String((target as { name?: string } | undefined)?.name)})`;
}

describe('the provider-call price table matches the schema', () => {
  it('finds the resolver fields (queries, the subscription, field resolvers)', () => {
    const { roots, mutations } = resolverFields();
    expect(roots).toEqual(
      expect.arrayContaining(['Query.accounts', 'Query.nodes', 'Subscription.paymentEvents', 'Account.transactions', 'Transaction.salePoint']),
    );
    expect(mutations).toEqual(expect.arrayContaining(['createCashout', 'createPayment']));
  });

  it('finds every resolver field in the schema it was built into', () => {
    expect(resolverFields().roots.filter((coordinate) => !inSchema(coordinate))).toEqual([]);
  });

  it('prices every resolver field or declares it free: no silent zero', () => {
    const unpriced = resolverFields().roots.filter((coordinate) => !(coordinate in UPSTREAM_COST) && !(coordinate in NO_UPSTREAM_CALL));
    expect(unpriced, 'add these to UPSTREAM_COST (or, if they call no provider, to NO_UPSTREAM_CALL) in src/graphql/limits.ts').toEqual([]);
  });

  it('has no price or free entry for a field that is not a resolver field of the schema', () => {
    const fields = new Set(resolverFields().roots);
    const stale = [...Object.keys(UPSTREAM_COST), ...Object.keys(NO_UPSTREAM_CALL)].filter((coordinate) => !fields.has(coordinate));
    expect(stale, 'these entries name no resolver field of the schema: remove or rename them').toEqual([]);
  });

  it('never prices a field and declares it free at once', () => {
    expect(Object.keys(UPSTREAM_COST).filter((coordinate) => coordinate in NO_UPSTREAM_CALL)).toEqual([]);
  });

  it('gives every price a positive whole number of calls', () => {
    const odd = Object.entries(UPSTREAM_COST).filter(([, price]) => !Number.isInteger(price.cost) || price.cost < 1);
    expect(odd).toEqual([]);
  });

  it('has no object-type field computed by a method or getter (it would run code the table does not see)', () => {
    const computed = getMetadataStorage()
      .fields.filter((field) => {
        const descriptor = Object.getOwnPropertyDescriptor((field.target as { prototype?: object }).prototype ?? {}, field.name);
        return descriptor !== undefined && (typeof descriptor.value === 'function' || descriptor.get !== undefined);
      })
      .map((field) => `${(field.target as { name: string }).name}.${field.name}`);
    expect(computed, 'move the code into a @FieldResolver and price it').toEqual([]);
  });
});

describe('the scope table matches the schema', () => {
  const mutationNames = () => Object.keys(schema.getMutationType()!.getFields());

  it('gives every mutation of the schema its scope', () => {
    const missing = mutationNames().filter((name) => !(name in MUTATION_SCOPES));
    expect(missing, 'add these to MUTATION_SCOPES in src/auth/scopes.ts').toEqual([]);
    expect(resolverFields().mutations.sort()).toEqual(mutationNames().sort());
  });

  it('has no scope entry for a mutation the schema no longer has', () => {
    const names = new Set(mutationNames());
    expect(Object.keys(MUTATION_SCOPES).filter((name) => !names.has(name))).toEqual([]);
  });
});
