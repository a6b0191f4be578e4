/**
 * The explorer page's own script, run in the browser after graphql-ws's and GraphiQL's bundles. It reads
 * its settings from the page (#explorer-config) and renders GraphiQL with a fetcher that
 * - sends queries and mutations over HTTP (POST /graphql, the headers of the headers editor) and shows
 *   the X-Request-Id of the last response in the status line (#explorer-request-id);
 * - runs subscriptions over graphql-transport-ws on the same URL, one connection per Authorization
 *   value, which it presents as `connectionParams.authorization` (what the gateway accepts).
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

  function isSubscription(params, documentAST) {
    var operations = documentAST
      ? documentAST.definitions.filter(function (d) { return d.kind === 'OperationDefinition'; })
      : [];
    var operation = params.operationName
      ? operations.find(function (d) { return d.name && d.name.value === params.operationName; })
      : operations[0];
    if (operation) return operation.operation === 'subscription';
    return /^\s*subscription\b/m.test(params.query.replace(/#.*$/gm, ''));
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

  function fetcher(params, options) {
    var headers = (options && options.headers) || {};
    if (isSubscription(params, options && options.documentAST)) {
      return socketFor(header(headers, 'authorization')).iterate({
        query: params.query,
        variables: params.variables,
        operationName: params.operationName,
      });
    }
    return overHttp(params, headers);
  }

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
