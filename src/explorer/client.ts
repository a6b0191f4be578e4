/**
 * The explorer page's own script, run in the browser after graphql-ws's and GraphiQL's bundles. It reads
 * its settings from the page (#explorer-config) and renders GraphiQL with a fetcher that
 * - sends queries and mutations over HTTP (POST /graphql, the headers of the headers editor) and shows
 *   the X-Request-Id of the last response in the status line (#explorer-request-id);
 * - runs subscriptions over graphql-transport-ws on the same URL, one connection per Authorization
 *   value, which it presents as `connectionParams.authorization` (what the gateway accepts);
 * - sends nothing while the Authorization header holds a placeholder (text in angle brackets, as the
 *   `Bearer <key>` the page starts with), answering with the page's hint instead (the first screen's
 *   introspection included);
 * and keeps the tab bar usable when the tabs overflow it: the mouse wheel scrolls it sideways and the
 * active tab (a new one too) is scrolled into view.
 * Kept as plain browser JavaScript in a string so it is served the same from `tsx` and from a build.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('explorer-config').textContent);
  var endpoint = new URL(config.endpoint, location.href);
  var wsUrl = endpoint.href.replace(/^http/, 'ws');
  var status = document.getElementById('explorer-request-id');
  var sockets = new Map();

  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (_moduleId, label) {
      return config.workers[label] || config.workers.editorWorkerService;
    },
  };

  function showRequestId(id) {
    status.dataset.requestId = id || '';
    status.textContent = id ? 'X-Request-Id: ' + id : 'X-Request-Id: (none)';
  }

  function header(headers, name) {
    for (var key in headers) if (key.toLowerCase() === name) return String(headers[key]);
    return undefined;
  }

  function socketFor(authorization) {
    var key = authorization || '';
    var client = sockets.get(key);
    if (!client) {
      client = graphqlWs.createClient({
        url: wsUrl,
        connectionParams: authorization ? { authorization: authorization } : {},
        retryAttempts: 0,
      });
      sockets.set(key, client);
    }
    return client;
  }

  // The operations a document defines ({ kind, name }), read from its text. GraphiQL passes the
  // operation name (and parsed document) it derived from the editor 100 ms after the last change, so a
  // run right after a tab switch carries the previous tab's: the text is what is run.
  function operationsOf(query) {
    var text = query.replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*/g, ' ');
    var tokens = /[{}()]|[_A-Za-z][_0-9A-Za-z]*/g;
    var operations = [];
    var depth = 0;
    var kind = null;
    var name = null;
    var fragment = false;
    var token;
    while ((token = tokens.exec(text))) {
      var t = token[0];
      if (t === '{' || t === '(') {
        if (depth === 0 && t === '{') {
          if (!fragment) operations.push({ kind: kind || 'query', name: name });
          kind = null;
          name = null;
          fragment = false;
        }
        depth++;
      } else if (t === '}' || t === ')') {
        depth--;
      } else if (depth === 0 && !fragment) {
        if (!kind && (t === 'query' || t === 'mutation' || t === 'subscription')) kind = t;
        else if (!kind && t === 'fragment') fragment = true;
        else if (kind && !name) name = t;
      }
    }
    return operations;
  }

  // The operation to run: the one named, else the document's only one (whatever name came with it).
  function chosenOperation(params) {
    var operations = operationsOf(params.query);
    var named = operations.find(function (operation) { return operation.name && operation.name === params.operationName; });
    return named || (operations.length === 1 ? operations[0] : null);
  }

  async function overHttp(params, headers) {
    var response = await fetch(endpoint, {
      method: 'POST',
      credentials: 'omit',
      headers: Object.assign({ 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' }, headers),
      body: JSON.stringify(params),
    });
    showRequestId(response.headers.get('x-request-id'));
    var text = await response.text();
    try {
      return JSON.parse(text);
    } catch (_error) {
      return { errors: [{ message: 'HTTP ' + response.status + ': ' + text.slice(0, 200) }] };
    }
  }

  // Text in angle brackets is a placeholder, never part of a key.
  var PLACEHOLDER = /<[^<>]*>/;

  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    if (PLACEHOLDER.test(header(headers, 'authorization') || '')) {
      return Promise.resolve({ errors: [{ message: config.keyPlaceholderHint }] });
    }
    var operation = chosenOperation(params);
    var request = {
      query: params.query,
      variables: params.variables,
      operationName: operation ? operation.name || undefined : params.operationName,
    };
    if (operation && operation.kind === 'subscription') return socketFor(header(headers, 'authorization')).iterate(request);
    return overHttp(request, headers);
  }

  // Tab bar: scroll the active tab into view whenever it changes or a tab is added; the wheel scrolls
  // the bar sideways. GraphiQL renders (and may re-render) the bar after this script runs: watch for it.
  var root = document.getElementById('explorer');
  var bar = null;
  var shown = null;
  var tabCount = 0;

  function onWheel(event) {
    if (Math.abs(event.deltaY) <= Math.abs(event.deltaX) || bar.scrollWidth <= bar.clientWidth) return;
    bar.scrollLeft += event.deltaY;
    event.preventDefault();
  }

  function showActiveTab() {
    if (!bar || !bar.isConnected) {
      bar = root.querySelector('.graphiql-tabs');
      if (!bar) return;
      bar.addEventListener('wheel', onWheel, { passive: false });
      shown = null;
    }
    var tabs = bar.querySelectorAll('[role="tab"]');
    var active = bar.querySelector('[role="tab"][aria-selected="true"]');
    if (!active || (active === shown && tabs.length === tabCount)) return;
    shown = active;
    tabCount = tabs.length;
    var tab = active.getBoundingClientRect();
    var visible = bar.getBoundingClientRect();
    if (tab.left < visible.left) bar.scrollLeft -= visible.left - tab.left;
    else if (tab.right > visible.right) bar.scrollLeft += tab.right - visible.right;
  }

  new MutationObserver(showActiveTab).observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-selected'] });

  // The first tab's editors start with that tab's text (GraphiQL takes only its query from the tab).
  var first = config.tabs[0] || {};
  YogaGraphiQL.renderYogaGraphiQL(document.getElementById('explorer'), {
    title: 'Pasarela',
    fetcher: fetcher,
    defaultTabs: config.tabs.length > 0 ? config.tabs : undefined,
    headers: config.headers,
    initialQuery: first.query,
    initialVariables: first.variables,
    shouldPersistHeaders: false,
  });
})();
`;
