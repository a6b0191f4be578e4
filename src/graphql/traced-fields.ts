/**
 * The execution's spans, made the same way whichever door an operation came by (the executor runs
 * them all, src/graphql/executor.ts): `graphql.execute` around a query's or mutation's execution, and
 * `graphql.resolve <Type>.<field>` around each root field, children of the operation's span. Deeper
 * fields are not traced: one span per list row would cost more than it tells. Only a recorded
 * (sampled) operation makes them; any other pays one check per root field.
 */
import { GraphQLError, defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { GatewayContext } from '../context.js';
import { endFailed, startSpan, type Span } from '../observability/tracing.js';

/** The operation's span records: its phases get spans too. */
export function recorded(ctx: GatewayContext): boolean {
  return ctx.trace?.span?.isRecording() === true;
}

/** Starts the execution's span of a recorded operation (undefined otherwise). */
export function executionSpan(ctx: GatewayContext): Span | undefined {
  return recorded(ctx) ? startSpan('graphql.execute', ctx.trace!.context) : undefined;
}

/** Ends a phase's span: failed with the error's code (or GRAPHQL_ERROR) when the phase threw. */
export function endPhase(span: Span | undefined, error?: unknown): void {
  if (!span) return;
  if (error) endFailed(span, error, error instanceof GraphQLError ? String(error.extensions.code ?? 'GRAPHQL_ERROR') : undefined);
  else span.end();
}

/** Wraps every query and mutation root field's resolver with its span (for recorded operations). */
export function traceRootFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) field.resolve = tracedResolver(field.resolve ?? defaultFieldResolver);
  }
  return schema;
}

function tracedResolver(resolve: GraphQLFieldResolver<unknown, GatewayContext>): GraphQLFieldResolver<unknown, GatewayContext> {
  return (source, args, ctx, info) => {
    if (!recorded(ctx)) return resolve(source, args, ctx, info);
    const span = startSpan(`graphql.resolve ${info.parentType.name}.${info.fieldName}`, ctx.trace!.context, {
      'graphql.field.name': info.fieldName,
      'graphql.field.path': String(info.path.key),
      'graphql.field.type': String(info.returnType),
    });
    let result: unknown;
    try {
      result = resolve(source, args, ctx, info);
    } catch (error) {
      endPhase(span, error);
      throw error;
    }
    if (result instanceof Promise)
      return result.then(
        (value: unknown) => {
          endPhase(span);
          return value;
        },
        (error: unknown) => {
          endPhase(span, error);
          throw error;
        },
      );
    endPhase(span);
    return result;
  };
}
