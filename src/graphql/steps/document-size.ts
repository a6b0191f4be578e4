/**
 * Admission, first and cheapest: a query text over the size limit (LIMITS.maxDocumentBytes) is
 * QUERY_TOO_COMPLEX (HTTP 400) before anything looks it up or parses it.
 */
import type { GraphQLError } from 'graphql';
import { LIMITS, tooComplex } from '../limits.js';
import type { Step } from './step.js';

export function documentSize(): Step {
  return {
    name: 'document-size',
    admit({ request }) {
      const query = request.query;
      // Cheap first: a string shorter in UTF-16 units than the limit / 3 cannot be over it in UTF-8 bytes.
      if (typeof query !== 'string' || query.length * 3 <= LIMITS.maxDocumentBytes) return;
      if (Buffer.byteLength(query, 'utf8') > LIMITS.maxDocumentBytes) throw tooLarge(`The query text is over ${LIMITS.maxDocumentBytes} bytes`);
    },
  };
}

/** QUERY_TOO_COMPLEX with HTTP 400: a document refused for its size, before it is run or kept. */
export function tooLarge(message: string): GraphQLError {
  const error = tooComplex(message);
  Object.assign(error.extensions, { http: { status: 400 } });
  return error;
}
