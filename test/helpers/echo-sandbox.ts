/**
 * A minimal provider built on the common sandbox shell, for testing provider-agnostic machinery (the
 * upstream transport, fault injection) over real HTTP without any provider's rules in the way.
 */
import { startSandbox, type RunningSandbox, type SandboxDefinition } from '../../src/sandbox/server.js';

interface EchoState {
  things: number;
}

const echoDefinition: SandboxDefinition<EchoState> = {
  name: 'telepagos',
  errorBody: (_status, message) => ({ error: true, message }),
  defaultErrorStatus: 500,
  wireFacts: { documentedDate: () => Number.NaN, offsetMinutes: 0, extraFields: {}, errorBodyDocumented: false },
  tokens: () => ({ lifetimeSeconds: 3600 }),
  createState: () => ({ things: 0 }),
  registerRoutes(app, sandbox) {
    app.get('/api/echo', async (request) => ({ ok: true, query: request.query }));
    app.post('/api/things', async () => ({ ok: true, id: ++sandbox.state.things }));
    app.get('/api/missing', async (_request, reply) => reply.code(404).send({ error: true, message: 'Thing 42 not found' }));
  },
};

export function startEchoSandbox(): Promise<RunningSandbox<EchoState>> {
  return startSandbox(echoDefinition, {});
}
