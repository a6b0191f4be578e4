/**
 * What graphql-jit may run, and how, for the executor (src/graphql/executor.ts), which decides when.
 *
 * graphql-js resolves every field of every row the same generic way (its arguments, a resolve-info
 * object, the default resolver, a dictionary-mode result object), which is most of the gateway's CPU
 * for a page of 50 transactions. graphql-jit compiles each operation once into a function that does
 * only what that operation needs. Only where it behaves the same as graphql-js:
 *
 * - queries only: mutations (they move money) and anything else run on graphql-js, as do documents
 *   that ask for introspection (`__schema`, `__type`) or for a field of an interface or union type
 *   (type-graphql's type resolvers are asynchronous, which graphql-jit does not support);
 * - variables are checked by graphql-js first: an operation whose variables fail there, or fail
 *   graphql-jit's own coercion (errors and no data: nothing has run), runs on graphql-js, which answers
 *   with its own errors (codes and messages unchanged);
 * - errors are handed on as graphql-js GraphQLErrors built the way graphql-js builds them
 *   (`locatedError`: a resolver's located GraphQLError as it is, anything else wrapped with its path and
 *   locations, the thrown value as `originalError`, so formatting and masking see the same thing);
 * - an operation graphql-jit cannot compile runs on graphql-js.
 *
 * Deadlines and cancellation live in the context and the provider calls, not in the executor, so they
 * hold on both engines.
 */
import {
  BREAK,
  GraphQLError,
  TypeInfo,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery as JitCompiled } from 'graphql-jit';

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

/** An operation compiled by graphql-jit, with its variables' definitions (graphql-js checks them first). */
export interface CompiledQuery {
  query: JitCompiled['query'];
  variableDefinitions: readonly VariableDefinitionNode[];
}

/** The operation compiled, or null when graphql-jit may not run it or cannot compile it (graphql-js runs it). */
export function compiled(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (operation?.operation !== 'query' || !jitCanRun(schema, document)) return null;
  try {
    const result = compileQuery(schema, document, operationName ?? undefined);
    return isCompiledQuery(result) ? { query: result.query, variableDefinitions: operation.variableDefinitions ?? [] } : null;
  } catch {
    return null;
  }
}

/**
 * Runs a compiled operation. Variables are checked by graphql-js first: an operation whose variables
 * fail there, or fail graphql-jit's own coercion (errors and no data: nothing has run), runs on
 * graphql-js (`fallback`), which answers with its own errors. Errors come back as graphql-js builds them.
 */
export async function runJit(
  schema: GraphQLSchema,
  compiledQuery: CompiledQuery,
  run: { contextValue: unknown; variables?: Readonly<Record<string, unknown>> | null },
  fallback: () => Promise<ExecutionResult>,
): Promise<ExecutionResult> {
  const variables = run.variables ?? {};
  if (compiledQuery.variableDefinitions.length > 0 && 'errors' in getVariableValues(schema, compiledQuery.variableDefinitions, variables)) return fallback();
  const result = (await compiledQuery.query(undefined, run.contextValue, variables)) as ExecutionResult;
  if (!result.errors?.length) return result;
  // No data at all: graphql-jit refused the variables (nothing ran). graphql-js answers with its own errors.
  if (!('data' in result)) return fallback();
  return { ...result, errors: (result.errors as readonly JitError[]).map(located) };
}
