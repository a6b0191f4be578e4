/**
 * The page browsers get at GET /graphql (EXPLORER): the self-hosted GraphiQL, Apollo Sandbox (from
 * Apollo's CDN) or, with EXPLORER=off, a static page saying there is none. It is only a page: every operation it runs goes through /graphql like any
 * client's, with the same authentication, scopes and limits (and no introspection in production).
 * Apollo Studio's origins are allowed by CORS only while Apollo Sandbox is the explorer.
 */
import type { FastifyInstance } from 'fastify';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { Config } from '../config.js';
import { explorerAssets } from './assets.js';
import { ASSET_PREFIX, explorerPage } from './page.js';
import { exampleTabs } from './tabs.js';
import { registerExplorerOffPage } from './off-page.js';

/** Where Apollo Sandbox runs in a browser; allowed by CORS only with EXPLORER=apollo-sandbox. */
export const APOLLO_SANDBOX_ORIGINS = ['https://studio.apollographql.com', 'https://sandbox.embed.apollographql.com'];

/**
 * The headers editor's text when client apps must present an API key (GraphiQL reads it as JSON with
 * comments). `<key>` is a placeholder, never a key: the page sends nothing while an Authorization value
 * holds text in angle brackets, and answers with KEY_PLACEHOLDER_HINT instead.
 */
export const AUTHORIZATION_PLACEHOLDER = `{
  // An API key is required: replace <key>
  // with yours. Nothing is sent until then.
  "Authorization": "Bearer <key>"
}`;

/** The explorer's answer, in place of a request, to an operation whose Authorization is still the placeholder. */
export const KEY_PLACEHOLDER_HINT =
  'Nothing was sent: the Authorization header still holds the placeholder <key>. Open the Headers tab below the query, ' +
  'replace <key> with your API key (whoever runs this gateway issues it, in its CLIENTS_FILE), then run again; ' +
  'for the docs and completion, re-fetch the schema (the circular arrow, bottom left).';

export interface ExplorerOptions {
  /** Client apps are configured (CLIENTS_FILE): every request needs an API key. */
  keysRequired: boolean;
}

/** Browser origins the explorer itself needs CORS for (the self-hosted one is same-origin). */
export function explorerCorsOrigins(config: Pick<Config, 'explorer'>): string[] {
  return config.explorer === 'apollo-sandbox' ? APOLLO_SANDBOX_ORIGINS : [];
}

/** Apollo's landing-page plugin for the configured explorer: Apollo serves it to GETs preferring HTML. */
export function explorerLandingPage(config: Pick<Config, 'explorer'>, options: ExplorerOptions): ApolloServerPlugin {
  if (config.explorer === 'off') return ApolloServerPluginLandingPageDisabled();
  if (config.explorer === 'apollo-sandbox') return ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false });
  const headers = options.keysRequired ? AUTHORIZATION_PLACEHOLDER : undefined;
  // Rendered per request (the example tabs' dates are today's); the big files are loaded once.
  const html = async () =>
    explorerPage(await explorerAssets(), { endpoint: '/graphql', tabs: await exampleTabs(headers), headers, keyPlaceholderHint: KEY_PLACEHOLDER_HINT });
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

/**
 * The routes of the self-hosted explorer's files (none unless EXPLORER=graphiql); with EXPLORER=off, the
 * page telling a browser there is no explorer (./off-page.ts).
 */
export async function registerExplorer(app: FastifyInstance, config: Pick<Config, 'explorer'>): Promise<void> {
  if (config.explorer === 'off') return registerExplorerOffPage(app);
  if (config.explorer !== 'graphiql') return;
  app.get<{ Params: { version: string; file: string } }>(`${ASSET_PREFIX}/:version/:file`, async (request, reply) => {
    const assets = await explorerAssets();
    const asset = assets.files.get(request.params.file);
    if (!asset || request.params.version !== assets.version) return reply.code(404).send({ error: 'not found' });
    return reply.header('content-type', asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body);
  });
}
