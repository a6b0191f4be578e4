/**
 * What a browser gets at GET /graphql when there is no explorer (EXPLORER=off, the default in
 * production): a small static page saying so and how to send operations, instead of the JSON refusal
 * a bare GET earns. Static text only: nothing of the request is echoed.
 */
import type { FastifyInstance } from 'fastify';

/**
 * Whether an Accept header prefers HTML to JSON, as a browser's navigation does
 * (`text/html,application/xhtml+xml,…,*\/*;q=0.8`); clients that send no Accept get JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = Number(params.find((param) => param.startsWith('q='))?.slice(2) ?? '1');
    const weight = Number.isFinite(q) ? q : 0;
    if (type === 'text/html') html = Math.max(html, weight);
    else if (type === 'application/json' || type === 'application/graphql-response+json') json = Math.max(json, weight);
    else if (type === '*/*' || type === 'application/*') json = Math.max(json, Math.min(weight, 0.99));
  }
  return html > 0 && html > json;
}

export const EXPLORER_OFF_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Pasarela · GraphQL endpoint</title>
    <style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; } pre { background: #f4f4f4; padding: 1rem; overflow-x: auto; }</style>
  </head>
  <body>
    <h1>Pasarela GraphQL endpoint</h1>
    <p>This is the gateway's GraphQL endpoint. The explorer is off here (<code>EXPLORER=off</code>, the default in production), so there is no page to query from.</p>
    <p>Send operations with <code>POST</code> and a JSON body, presenting your client app's API key:</p>
    <pre>curl -X POST &lt;this URL&gt; \\
  -H 'content-type: application/json' \\
  -H 'authorization: Bearer &lt;your API key&gt;' \\
  -d '{"query":"{ accounts { provider balance { amount currency } } }"}'</pre>
    <p>Operators: set <code>EXPLORER=graphiql</code> to serve the explorer on this path.</p>
  </body>
</html>
`;

/** Answers a browser's GET /graphql with EXPLORER_OFF_PAGE; every other request passes untouched. */
export function registerExplorerOffPage(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every request, and a promise each costs more.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' || !prefersHtml(request.headers.accept)) return done();
    if (request.url !== '/graphql' && !request.url.startsWith('/graphql?')) return done();
    void reply.code(200).header('content-type', 'text/html; charset=utf-8').send(EXPLORER_OFF_PAGE);
  });
}
