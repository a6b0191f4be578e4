/**
 * The explorer's static files, all from npm packages in node_modules (nothing from a CDN):
 * GraphiQL with React and its Monaco editor workers, CSS and inlined fonts as one self-contained bundle
 * (`@graphql-yoga/render-graphiql`, its tabs made clickable: withUnconstrainedTabs), graphql-ws's browser
 * build for subscriptions, and our page script.
 * Loaded on the first explorer request (the bundle is ~8 MB of text); served under a content hash, so
 * browsers cache them for good.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CLIENT_SCRIPT } from './client.js';

export interface Asset {
  type: string;
  body: string | Buffer;
}

export interface ExplorerAssets {
  /** Path segment that changes whenever any asset does. */
  version: string;
  files: ReadonlyMap<string, Asset>;
}

const JS = 'text/javascript; charset=utf-8';

/** graphql-ws's UMD build (global `graphqlWs`), which its package ships but does not export. */
async function graphqlWsBrowserBuild(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('graphql-ws');
  return readFile(join(dirname(main), '..', 'umd', 'graphql-ws.min.js'), 'utf8');
}

/**
 * GraphiQL's tabs are framer-motion `Reorder.Item`s constrained (`dragConstraints`) to the tab bar. When the
 * bar overflows, framer-motion's resize observer "keeps each tab's position within the constraints" by
 * giving every tab a large translateX (hundreds of px); GraphiQL's CSS hides that offset until the tab has
 * focus, so pressing a tab focuses it, the tab jumps from under the pointer, and the release lands
 * elsewhere: no click, no switch. Without the constraint there is no offset: a press is a click, and a
 * drag still reorders (the tab snaps back to its slot when released). The bundle is minified, so the
 * match is by shape, and it must match exactly once.
 */
const TAB_DRAG_CONSTRAINTS = /(jsxs?\([\w$]+,\{)dragConstraints:[\w$]+,(value:[\w$]+,isActive:)/g;

export function withUnconstrainedTabs(js: string): string {
  const found = js.match(TAB_DRAG_CONSTRAINTS)?.length ?? 0;
  if (found !== 1)
    throw new Error(`GraphiQL's tabs are not where the explorer expects them (${found} matches): check src/explorer/assets.ts against this GraphiQL`);
  return js.replace(TAB_DRAG_CONSTRAINTS, '$1$2');
}

/** A base64 `data:` URI as the file it holds. */
function dataUri(uri: string): Asset {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(uri);
  if (!match) throw new Error("the GraphiQL bundle's favicon is not a base64 data URI");
  return { type: match[1]!, body: Buffer.from(match[2]!, 'base64') };
}

async function load(): Promise<ExplorerAssets> {
  const graphiql = await import('@graphql-yoga/render-graphiql/graphiql');
  const files = new Map<string, Asset>([
    ['graphiql.js', { type: JS, body: withUnconstrainedTabs(graphiql.js) }],
    ['graphiql.css', { type: 'text/css; charset=utf-8', body: graphiql.css }],
    ['editor.worker.js', { type: JS, body: graphiql.editorWorkerService }],
    ['json.worker.js', { type: JS, body: graphiql.jsonWorker }],
    ['graphql.worker.js', { type: JS, body: graphiql.graphqlWorker }],
    ['graphql-ws.js', { type: JS, body: await graphqlWsBrowserBuild() }],
    ['explorer.js', { type: JS, body: CLIENT_SCRIPT }],
    ['favicon.ico', dataUri(graphiql.favicon)],
  ]);
  const hash = createHash('sha256');
  for (const [name, asset] of files) hash.update(name).update(asset.body);
  return { version: hash.digest('hex').slice(0, 16), files };
}

let loaded: Promise<ExplorerAssets> | undefined;

/** The assets, loaded once per process. */
export function explorerAssets(): Promise<ExplorerAssets> {
  loaded ??= load().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}
