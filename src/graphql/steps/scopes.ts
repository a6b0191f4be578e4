/**
 * Authorization: FORBIDDEN (403) when the operation's root fields — or a door's action (the CSV
 * export) — need a scope the client app lacks.
 */
import { GraphQLError } from 'graphql';
import { missingScopes } from '../../auth/requests.js';
import type { Step } from './step.js';

export function scopes(): Step {
  return {
    name: 'scopes',
    authorize({ client, definition, request }) {
      if (definition) return missingScopes(client, definition);
      const missing = request.action?.scopes.filter((scope) => !client.scopes.has(scope)) ?? [];
      if (missing.length === 0) return undefined;
      return new GraphQLError(`This API key lacks the scope ${missing.join(', ')} needed for ${request.action!.name}`, {
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      });
    },
  };
}
