/**
 * A /graphql body that is not JSON (malformed, or empty under `content-type: application/json`) is
 * refused by Fastify's body parser before Apollo sees it. Answer it the GraphQL way anyway: HTTP 400 and
 * `errors[0].extensions.code` BAD_REQUEST with the request id, like every other error of the API.
 */
import type { FastifyError, FastifyInstance } from 'fastify';

/** Fastify's codes for a JSON body it could not parse. */
const NOT_JSON = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

export const NOT_JSON_MESSAGE =
  'The request body is not valid JSON: send {"query": "…", "variables": {…}} with content-type application/json (`npm run gql` builds it from a GraphQL document)';

function isGraphQLPath(url: string): boolean {
  return url === '/graphql' || url.startsWith('/graphql?');
}

/** Installs the handler; every other error keeps Fastify's default answer. */
export function answerNonJsonBodiesAsGraphQL(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (!NOT_JSON.has(error.code) || !isGraphQLPath(request.url)) throw error;
    return reply
      .code(400)
      .type('application/json; charset=utf-8')
      .send({ errors: [{ message: NOT_JSON_MESSAGE, extensions: { code: 'BAD_REQUEST', requestId: request.id } }] });
  });
}
