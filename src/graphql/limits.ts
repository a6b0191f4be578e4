/**
 * Abuse limits, checked while validating the document — before anything executes, so an over-limit
 * query causes no provider call. Every refusal is QUERY_TOO_COMPLEX.
 *
 * - graphql-armor's rules (its defaults are the reference point, tuned so every README example
 *   passes): depth, structural cost, aliases, directives; tokens through the parser.
 * - Upstream cost: what the query would make us ask the providers, priced per field below.
 * - Document size, checked before parsing.
 */
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  getNamedType,
  isListType,
  isNonNullType,
  getArgumentValues,
  getVariableValues,
  type FieldNode,
  type OperationDefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLType,
  type SelectionSetNode,
  type DocumentNode,
  type ValidationContext,
  type ValueNode,
  type ValidationRule,
} from 'graphql';

import { DEFAULT_MAX_PROVIDER_CALLS } from '../domain/call-allowance.js';

export const LIMITS = {
  /** Longest query text accepted, in bytes. */
  maxDocumentBytes: 16 * 1024,
  /** Lexical tokens in one document (armor default 1,000). */
  maxTokens: 1_000,
  /** Nesting depth (armor default 6; the dashboard example needs 7). */
  maxDepth: 8,
  /**
   * Structural cost (armor default 5,000): two 100-item transaction pages with their sale points cost
   * about 6,600, so 20,000. Depth and aliases already bound how far a document can blow up.
   */
  maxCost: 20_000,
  /** Aliases (armor default 15). */
  maxAliases: 15,
  /** Directives (armor default 50). */
  maxDirectives: 50,
  /** Upstream calls one operation may cause, as priced by UPSTREAM_COST: the default run-time ceiling too. */
  maxUpstreamCost: DEFAULT_MAX_PROVIDER_CALLS,
} as const;

export function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

/**
 * armor's rules throw unless told otherwise; reporting instead lets every limit be checked and named,
 * each refusal a QUERY_TOO_COMPLEX validation error.
 */
const reject = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(tooComplex(error.message.replace(/^Syntax Error: /, '')))],
};

/**
 * Upstream calls a field causes, by `Type.field`. Fields marked `once` are served by a per-request
 * loader (one call however many times they appear); the others are multiplied by the size of every
 * list they sit in (LIST_FACTOR, or the connection's `first`).
 *
 * No silent zero: every field computed by a resolver method (a type-graphql @Query, @Subscription or
 * @FieldResolver) is either priced here or listed in NO_UPSTREAM_CALL, and every mutation costs
 * MUTATION_COST; test/contract/tables.test.ts fails for a resolver field in neither table and for an
 * entry naming a field the schema no longer has. Plain @Field properties read their parent's value.
 */
export const UPSTREAM_COST: Readonly<Record<string, Price>> = {
  'Query.accounts': { cost: 2, once: true },
  'Query.paymentConcepts': { cost: 1, once: true },
  'Query.transactionOperations': { cost: 1, once: true },
  'Query.salePoints': { cost: 1, once: true },
  'Transaction.salePoint': { cost: 1, once: true },
  'Query.statistics': { cost: 1 },
  'Query.cashout': { cost: 1 },
  'Query.cashin': { cost: 1 },
  'Query.payment': { cost: 1 },
  'Query.node': { cost: 1 },
  'Query.nodes': { cost: 1 },
  'Account.balance': { cost: 1 },
  'Account.balances': { cost: 1 },
  'Account.transactions': { cost: 10 },
  // Priced by their arguments (ArgumentPricing, from the activity module): the range, the providers, and
  // how far a walk may go when the filter matches nothing. These are the prices while the arguments are
  // variables not yet known (validation); the operation is priced again with their values before it runs.
  'Query.activity': { cost: 10 },
  'Query.activitySummary': { cost: 20 },
  'Account.balanceReport': { cost: 2 },
  'Cashout.voucher': { cost: 1 },
  'SalePoint.staticQr': { cost: 1 },
};

/** Resolver fields that call no provider, each with the reason. */
export const NO_UPSTREAM_CALL: Readonly<Record<string, string>> = {
  'Query.account': 'builds the Account value locally; its balance fields are priced',
  'Subscription.paymentEvents': 'listens on the event bus; provider notifications feed it, not requests',
  'Query.events': 'reads the event log (memory or Redis); no provider is called',
};

export interface Price {
  cost: number;
  once?: boolean;
}

/**
 * A field whose price depends on its arguments: the provider calls it may make for these argument
 * values (coerced, defaults applied), or undefined when they are not valid (the field refuses them
 * itself before any call). Keyed by `Type.field`; the field must be in UPSTREAM_COST too.
 */
export type ArgumentPricer = (args: Record<string, unknown>) => number | undefined;
export type ArgumentPricing = Readonly<Record<string, ArgumentPricer>>;

export const MUTATION_COST = 3;
/** Assumed size of a list of objects whose items cost upstream calls. */
const LIST_FACTOR = 10;

function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The price table resolved against one schema: looked up by field definition, with no string built per field. */
interface Pricing {
  prices: Map<GraphQLField<unknown, unknown>, Price & { coordinate: string }>;
  nodes: GraphQLField<unknown, unknown> | undefined;
}

const pricings = new WeakMap<GraphQLSchema, Pricing>();

/** Built once per schema (the gateway has one), from the table alone: no schema walk. */
function pricingOf(schema: GraphQLSchema): Pricing {
  let pricing = pricings.get(schema);
  if (!pricing) {
    const prices: Pricing['prices'] = new Map();
    for (const [coordinate, price] of Object.entries(UPSTREAM_COST)) {
      const [typeName, fieldName] = coordinate.split('.') as [string, string];
      const type = schema.getType(typeName);
      const field = type && 'getFields' in type ? type.getFields()[fieldName] : undefined;
      if (field) prices.set(field as GraphQLField<unknown, unknown>, { ...price, coordinate });
    }
    pricing = { prices, nodes: schema.getQueryType()?.getFields().nodes };
    pricings.set(schema, pricing);
  }
  return pricing;
}

/** Where the cost walk finds a fragment's definition, and the operation's variable values when known. */
interface CostInputs {
  fragment: (name: string) => FragmentDefinitionNode | undefined;
  /** Coerced variable values; undefined while validating. */
  variables?: Readonly<Record<string, unknown>>;
  pricing: ArgumentPricing;
}

/** What a cost walk found: the price, and whether a field priced by its arguments waited on a variable. */
interface Cost {
  cost: number;
  /** A field priced by its arguments could not see them (variables unknown): price again with them. */
  needsVariables: boolean;
}

/**
 * The provider calls an operation would cause, as priced by UPSTREAM_COST. Without variable values
 * (while validating) a `nodes(ids: $variable)` counts as LIST_FACTOR ids; with them, as the real list.
 */
function operationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: CostInputs): Cost {
  const { prices, nodes } = pricingOf(schema);
  const mutationType = schema.getMutationType();
  let needsVariables = false;

  /** A field's own price: by its arguments when it has a pricer and they can be read, else the table's. */
  const ownPrice = (price: Price & { coordinate: string }, definition: GraphQLField<unknown, unknown>, field: FieldNode): number => {
    const pricer = inputs.pricing[price.coordinate];
    if (!pricer) return price.cost;
    // Validating, its variables are not known yet: the table's price now, the real one before it runs.
    if (!inputs.variables && field.arguments?.some((argument) => hasVariable(argument.value))) {
      needsVariables = true;
      return price.cost;
    }
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(definition, field, inputs.variables as Record<string, unknown> | undefined);
    } catch {
      // A value that does not coerce: the field is refused when it runs, before any call.
      return price.cost;
    }
    return pricer(args) ?? price.cost;
  };

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLOutputType, factor: number, seen: Set<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, parent, factor, seen);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : getNamedType(parent);
        total += selectionCost(selection.selectionSet, (on ?? parent) as GraphQLOutputType, factor, seen);
      } else {
        const fragment = inputs.fragment(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue; // cycles are refused by another rule
        const on = schema.getType(fragment.typeCondition.name.value) ?? parent;
        total += selectionCost(fragment.selectionSet, on as GraphQLOutputType, factor, new Set([...seen, fragment.name.value]));
      }
    }
    return total;
  };

  const fieldCost = (field: FieldNode, parent: GraphQLOutputType, factor: number, seen: Set<string>): number => {
    const parentType = getNamedType(parent);
    if (!('getFields' in parentType)) return 0;
    const definition = parentType.getFields()[field.name.value];
    if (!definition) return 0;
    const price = prices.get(definition as GraphQLField<unknown, unknown>);
    const isNodes = definition === nodes;
    // nodes(ids:) fans out per id; any other list multiplies what its items cost.
    const fanOut = isNodes ? idsCount(field, inputs.variables) : isList(definition.type) ? LIST_FACTOR : 1;
    const own =
      parentType === mutationType
        ? MUTATION_COST
        : price
          ? ownPrice(price, definition as GraphQLField<unknown, unknown>, field) * (price.once ? 1 : factor)
          : 0;
    const children = field.selectionSet ? selectionCost(field.selectionSet, definition.type, factor * fanOut, seen) : 0;
    return (isNodes ? own * fanOut : own) + children;
  };

  const root =
    operation.operation === 'mutation' ? mutationType : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const cost = root ? selectionCost(operation.selectionSet, root, 1, new Set()) : 0;
  return { cost, needsVariables };
}

/** Whether an argument's value is, or holds, a variable. */
function hasVariable(value: ValueNode): boolean {
  if (value.kind === Kind.VARIABLE) return true;
  if (value.kind === Kind.LIST) return value.values.some(hasVariable);
  if (value.kind === Kind.OBJECT) return value.fields.some((field) => hasVariable(field.value));
  return false;
}

function overBudget(cost: number, limit: number): GraphQLError | undefined {
  return cost > limit ? tooComplex(`This operation would cost about ${cost} provider calls; the limit is ${limit}. Ask for less at once.`) : undefined;
}

/**
 * Operations that validated with a field priced by its arguments whose arguments were variables: they
 * are priced again with the variables' values before they run (`refuseOverBudget`). Keyed by the
 * operation's node, which every cache of parsed documents (Apollo's, the held documents) keeps.
 */
const pricedByVariables = new WeakSet<OperationDefinitionNode>();
/** The argument prices each operation was validated with, for `refuseNodesOverBudget`'s second look. */
const validatedWith = new WeakMap<OperationDefinitionNode, ArgumentPricing>();

function upstreamCostRule(limit: number, pricing: ArgumentPricing): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const inputs: CostInputs = { fragment: (name) => fragments.get(name), pricing };
    return {
      OperationDefinition(operation) {
        const { cost, needsVariables } = operationCost(context.getSchema(), operation, inputs);
        validatedWith.set(operation, pricing);
        const refusal = overBudget(cost, limit);
        if (refusal) context.reportError(refusal);
        else if (needsVariables) pricedByVariables.add(operation);
      },
    };
  };
}

/**
 * Step 3 of the pipeline, with the variables: an operation whose price depends on arguments passed as
 * variables (an `activity` range, say) is priced again with their values, before anything runs, on every
 * transport. QUERY_TOO_COMPLEX when over the budget; undefined otherwise, and when the variables do not
 * coerce (execution refuses them with its own error).
 */
export function refuseOverBudget(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>> | null | undefined,
  pricing: ArgumentPricing,
): GraphQLError | undefined {
  if (!pricedByVariables.has(operation)) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return undefined;
  const fragment = (name: string) =>
    document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === name);
  const refusal = overBudget(operationCost(schema, operation, { fragment, variables: coerced.coerced, pricing }).cost, LIMITS.maxUpstreamCost);
  if (refusal) Object.assign(refusal.extensions, { http: { status: 400 } });
  return refusal;
}

/**
 * `nodes(ids: [...])` costs one call per id. A variable list cannot be seen while validating: it is
 * priced as LIST_FACTOR ids there, and re-priced with its real length by refuseNodesOverBudget.
 */
function idsCount(field: FieldNode, variables: CostInputs['variables']): number {
  const ids = field.arguments?.find((argument) => argument.name.value === 'ids')?.value;
  if (ids?.kind === Kind.LIST) return Math.max(1, ids.values.length);
  const value = ids?.kind === Kind.VARIABLE ? variables?.[ids.name.value] : undefined;
  return Array.isArray(value) ? Math.max(1, value.length) : LIST_FACTOR;
}

/**
 * Run by `nodes` before it fetches anything: a list of more than LIST_FACTOR ids (which validation
 * could only have counted exactly if written inline) re-prices the whole operation with the real
 * variable values, so a variable list costs what the same list written inline would.
 */
export function refuseNodesOverBudget(ids: readonly unknown[], info: GraphQLResolveInfo): void {
  if (ids.length <= LIST_FACTOR) return;
  const pricing = validatedWith.get(info.operation) ?? {};
  const { cost } = operationCost(info.schema, info.operation, { fragment: (name) => info.fragments[name], variables: info.variableValues, pricing });
  const refusal = overBudget(cost, LIMITS.maxUpstreamCost);
  if (refusal) throw refusal;
}

/** The abuse limits as validation rules; `pricing` prices the fields whose cost depends on their arguments. */
export function validationRules(pricing: ArgumentPricing = {}): ValidationRule[] {
  return [
    maxDepthRule({ n: LIMITS.maxDepth, ...reject }),
    costLimitRule({ maxCost: LIMITS.maxCost, ...reject }),
    maxAliasesRule({ n: LIMITS.maxAliases, ...reject }),
    maxDirectivesRule({ n: LIMITS.maxDirectives, ...reject }),
    upstreamCostRule(LIMITS.maxUpstreamCost, pricing),
  ];
}
