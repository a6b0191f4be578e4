/**
 * The GraphiQL page the gateway serves at GET /graphql (Accept: text/html). Every file it loads is the
 * gateway's own (see assets.ts); its settings travel as JSON in the page, never as script source.
 */
import type { ExplorerAssets } from './assets.js';
import type { ExplorerTab } from './tabs.js';

/** Where the explorer's files are served, below the GraphQL path so a proxy forwarding /graphql passes them. */
export const ASSET_PREFIX = '/graphql/explorer';

export interface PageSettings {
  endpoint: string;
  tabs: ExplorerTab[];
  /** The headers editor's initial text. */
  headers?: string;
  /** The answer to an operation whose Authorization header is still a placeholder (`Bearer <key>`). */
  keyPlaceholderHint: string;
}

/** JSON safe inside a <script> element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export function explorerPage(assets: ExplorerAssets, settings: PageSettings): string {
  const base = `${ASSET_PREFIX}/${assets.version}`;
  const config = {
    ...settings,
    workers: {
      editorWorkerService: `${base}/editor.worker.js`,
      json: `${base}/json.worker.js`,
      graphql: `${base}/graphql.worker.js`,
    },
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Pasarela · GraphiQL</title>
    <link rel="icon" href="${base}/favicon.ico" />
    <link rel="stylesheet" href="${base}/graphiql.css" />
    <style>
      html, body, #explorer { height: 100%; margin: 0; }
      #explorer-request-id {
        position: fixed; right: 12px; bottom: 6px; z-index: 10; padding: 2px 8px; border-radius: 4px;
        font: 12px ui-monospace, monospace; color: #555; background: rgba(255, 255, 255, 0.85);
      }
      /* The tab bar scrolls sideways when the tabs overflow it: show its (thin) scrollbar, which GraphiQL hides. */
      .graphiql-tabs.no-scrollbar { scrollbar-width: thin; }
    </style>
  </head>
  <body class="no-focus-outline">
    <noscript>The explorer needs JavaScript.</noscript>
    <div id="explorer"></div>
    <div id="explorer-request-id" data-request-id="">X-Request-Id: (no request yet)</div>
    <script type="application/json" id="explorer-config">${scriptJson(config)}</script>
    <script src="${base}/graphql-ws.js"></script>
    <script src="${base}/graphiql.js"></script>
    <script src="${base}/explorer.js"></script>
  </body>
</html>
`;
}
