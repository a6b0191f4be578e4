/**
 * Queries executed with graphql-jit, through Apollo Server's gateway interface (its one supported way
 * to replace graphql-js's `execute`).
 *
 * graphql-js resolves every field of every row the same generic way (its arguments, a resolve-info
 * object, the default resolver, a dictionary-mode result object), which is most of the gateway's CPU
 * for a page of 50 transactions. graphql-jit compiles each operation once into a function that does
 * only what that operation needs. Apollo still parses, validates (every limit of the pipeline) and runs
 * every plugin; only the execute step is replaced, and only where it behaves the same:
 *
 * - queries only: mutations (they move money) and anything else run on graphql-js, as do documents
 *   that ask for introspection (`__schema`, `__type`) or for a field of an interface or union type
 *   (type-graphql's type resolvers are asynchronous, which graphql-jit does not support);
 * - variables are checked by graphql-js first: an operation whose variables fail there, or fail
 *   graphql-jit's own coercion (errors and no data: nothing has run), runs on graphql-js, which answers
 *   with its own errors (codes and messages unchanged);
 * - errors are handed to Apollo as graphql-js GraphQLErrors built the way graphql-js builds them
 *   (`locatedError`: a resolver's located GraphQLError as it is, anything else wrapped with its path and
 *   locations, the thrown value as `originalError`, so formatting and masking see the same thing);
 * - an operation graphql-jit cannot compile runs on graphql-js.
 *
 * A document is compiled the second time it runs (the first run is on graphql-js: `JIT_AFTER_RUNS`), and
 * kept per parsed document (weakly: Apollo's document cache decides how long a document lives). Deadlines and cancellation live in the context and the provider calls, not in the
 * executor, so they hold on both engines.
 */
import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  BREAK,
  GraphQLError,
  TypeInfo,
  execute,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = NonNullable<ApolloServerOptionsWithGateway<object>['gateway']>;

/** What graphql-jit puts in `errors`: its own error objects (not graphql-js's class). */
interface JitError {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  originalError?: unknown;
}

/**
 * Whether graphql-jit may run this document: no introspection, and no field of an abstract type.
 * type-graphql makes every `resolveType` asynchronous (`Node`'s too), which graphql-js awaits and
 * graphql-jit does not; `node(id:)` and the like stay on graphql-js.
 */
function jitCanRun(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let ok = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const type = typeInfo.getType();
        if (node.name.value === '__schema' || node.name.value === '__type' || (type && isAbstractType(getNamedType(type)))) {
          ok = false;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return ok;
}

/** A graphql-jit error as graphql-js's `locatedError` would have made it. */
function located(error: JitError): GraphQLError {
  const raw = error.originalError;
  if (raw instanceof GraphQLError && Array.isArray(raw.path)) return raw;
  // graphql-js reports its own failures (a null for a non-null field, a list that is not one) as a thrown Error.
  const original = raw instanceof Error ? raw : new Error(raw === undefined ? error.message : String(raw));
  const fromResolver = original instanceof GraphQLError ? original : undefined;
  const result = new GraphQLError(original.message, {
    nodes: fromResolver?.nodes,
    source: fromResolver?.source,
    positions: fromResolver?.positions,
    path: error.path,
    originalError: original,
  });
  if (!result.locations && error.locations?.length)
    (result as { locations: unknown }).locations = error.locations.map(({ line, column }) => ({ line, column }));
  return result;
}

/** Whether graphql-jit runs this operation of this document (the rest runs on graphql-js). */
export function runsOnJit(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): boolean {
  const operation = getOperationAST(document, operationName ?? undefined);
  return operation?.operation === 'query' && jitCanRun(schema, document);
}

/**
 * Runs of a document on graphql-js before it is compiled. Compiling costs far more than one execution
 * (code generation, then V8 compiles it), so a document is compiled only once it has come back: a
 * stream of distinct documents (a fuzzer, an attacker, a one-off query) never pays it.
 */
export const JIT_AFTER_RUNS = 2;

/** Per operation of a document: runs so far, then the compiled query (or null: graphql-js for good). */
type Plan = { runs: number; query?: CompiledQuery | null };

export function jitGateway(schema: GraphQLSchema): Gateway {
  const plans = new WeakMap<DocumentNode, Map<string, Plan>>();

  const compiledFor = (document: DocumentNode, operationName: string | null): CompiledQuery | null => {
    let byName = plans.get(document);
    if (!byName) {
      byName = new Map();
      plans.set(document, byName);
    }
    const key = operationName ?? '';
    let plan = byName.get(key);
    if (!plan) {
      plan = { runs: 0 };
      byName.set(key, plan);
    }
    if (plan.query !== undefined) return plan.query;
    if (++plan.runs < JIT_AFTER_RUNS) return null;
    plan.query = null;
    if (runsOnJit(schema, document, operationName)) {
      try {
        const result = compileQuery(schema, document, operationName ?? undefined);
        if (isCompiledQuery(result)) plan.query = result;
      } catch {
        // Left to graphql-js.
      }
    }
    return plan.query;
  };

  const executor: Awaited<ReturnType<Gateway['load']>>['executor'] = async (requestContext) => {
    const { document, operation, operationName, request, context } = requestContext;
    const variables = request.variables;
    const query = compiledFor(document, operationName);
    const graphqlJs = () => execute({ schema, document, contextValue: context, variableValues: variables, operationName: request.operationName });
    if (!query) return graphqlJs();
    // graphql-js's verdict on the variables, whatever graphql-jit's coercion would say.
    if (operation.variableDefinitions?.length && 'errors' in getVariableValues(schema, operation.variableDefinitions, variables ?? {})) return graphqlJs();
    const result = (await query.query(undefined, context, variables ?? {})) as ExecutionResult;
    if (!result.errors?.length) return result;
    // No data at all: graphql-jit refused the variables (nothing ran). graphql-js answers with its own errors.
    if (!('data' in result)) return graphqlJs();
    return { ...result, errors: (result.errors as readonly JitError[]).map(located) };
  };

  let listeners: Parameters<Gateway['onSchemaLoadOrUpdate']>[0][] = [];
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.push(callback);
      return () => {
        listeners = listeners.filter((l) => l !== callback);
      };
    },
    async load() {
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor };
    },
    async stop() {
      listeners = [];
    },
  };
}
