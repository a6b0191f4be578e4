/**
 * The answer, traced: the operation's span (started by its door, its parent the client's trace) ends
 * here, whatever ended the operation. Refused before it had a context: marked `refused`, failed with
 * the refusal's code. Otherwise named `<type> <name>` (GraphQL's semantic conventions; a door's action
 * keeps its door's name) with its type, name, client app, trusted document, outcome and error codes. A
 * subscription's span ends once it is set up; each event delivered is a `graphql.subscription.event`
 * span in the same trace.
 */
import { GraphQLError } from 'graphql';
import { endFailed, SpanStatusCode, startSpan, type Span } from '../../observability/tracing.js';
import { sanitizeText } from '../../sanitize.js';
import type { Operation, Outcome, Step } from './step.js';

export function tracing(): Step {
  return {
    name: 'tracing',
    event(operation, errors) {
      const ctx = operation.ctx;
      if (!ctx?.trace?.span) return;
      const name = operation.definition?.name?.value;
      const span = startSpan('graphql.subscription.event', ctx.trace.context, {
        'pasarela.request_id': ctx.requestId,
        'pasarela.outcome': errors > 0 ? 'error' : 'success',
        ...(name ? { 'graphql.operation.name': name } : {}),
      });
      if (span && errors > 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `${errors} error(s)` });
      span?.end();
    },
    done(operation, outcome) {
      const span = operation.request.trace?.span;
      if (!span) return;
      if (!operation.ctx) return endRefused(span, outcome);
      endOperationSpan(span, operation, outcome);
    },
  };
}

/** Refused before the operation had a context (admission): no name, type or client to tell. */
function endRefused(span: Span, outcome: Outcome): void {
  const error = outcome.thrown ?? outcome.errors?.[0];
  if (error instanceof GraphQLError || outcome.thrown === undefined) span.setAttribute('pasarela.outcome', 'refused');
  const code = error instanceof GraphQLError ? String(error.extensions.code) : undefined;
  endFailed(span, error, code);
}

function endOperationSpan(span: Span, operation: Operation, outcome: Outcome): void {
  if (!span.isRecording()) return span.end();
  const { ctx, request } = operation;
  const { type, failed, errors } = outcome;
  const name = outcome.name ? sanitizeText(outcome.name) : undefined;
  if (type && !request.action) span.updateName(name ? `${type} ${name}` : type);
  if (type) span.setAttribute('graphql.operation.type', type);
  if (name) span.setAttribute('graphql.operation.name', name);
  span.setAttribute('pasarela.client', ctx!.client.name);
  // A trusted document's id is the gateway's own hash, never client text.
  if (ctx!.document) span.setAttribute('pasarela.trusted_document.id', ctx!.document.id);
  span.setAttribute('pasarela.outcome', failed ? 'error' : 'success');
  if (failed) {
    const codes = [...new Set((errors ?? []).map((error) => String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR')))];
    if (codes.length > 0) span.setAttribute('pasarela.error_codes', codes);
    span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') || 'error' });
  }
  span.end();
}
