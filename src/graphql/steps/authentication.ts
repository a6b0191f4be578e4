/**
 * Admission: the API key → the client app (UNAUTHENTICATED, 401, without a valid one). A connection's
 * operations (graphql-ws) come with the app the connection presented its key for.
 */
import type { ClientRegistry } from '../../auth/clients.js';
import { authenticate } from '../../auth/requests.js';
import type { Step } from './step.js';

/** `clients`: the client apps in force (swapped whole on reload); undefined is open access. */
export function authentication(clients: () => ClientRegistry | undefined): Step {
  return {
    name: 'authentication',
    admit(operation) {
      operation.client ??= authenticate(clients(), operation.request.authorization);
    },
  };
}
