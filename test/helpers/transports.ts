/**
 * The three ways a client app sends an operation — POST /graphql, graphql-ws on the same URL, and
 * GraphQL over SSE (a POST with Accept: text/event-stream) — behind one `send`, so a hardening case is
 * written once and run over all of them (`describe.each(TRANSPORTS)`).
 *
 * What differs is only what HTTP has and WebSocket has not: a status code (`status` is undefined over
 * WebSocket) and a refused connection (graphql-ws closes it with 4403; `closeCode` says so). SSE has
 * HTTP's status codes: a refusal is a JSON answer, a result is the stream's first `next` event.
 */
import { request } from 'undici';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphQLResponse, TestGateway } from './gateway.js';

export interface Answer<T = any> {
  /** HTTP status (SSE: the stream's, 200, or the refusal's); undefined over WebSocket. */
  status?: number;
  /** The close code when the server closed the connection before answering (WebSocket only). */
  closeCode?: number;
  body: GraphQLResponse<T>['body'];
}

export interface Transport {
  name: 'http' | 'ws' | 'sse';
  /**
   * Sends one operation. `headers.authorization` is the API key on both transports (connectionParams
   * over WebSocket); `headers['x-request-id']` the client's request id (the subscribe message's
   * `extensions.requestId` over WebSocket).
   */
  send<T = any>(gw: TestGateway, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Answer<T>>;
}

const http: Transport = {
  name: 'http',
  async send(gw, query, variables, headers) {
    // A current GraphQL-over-HTTP client: request errors keep their 4xx (a legacy application/json
    // client reads parse, validation and coercion failures from a 200; test/contract/graphql-over-http.test.ts).
    const { status, body } = await gw.query(query, variables, { accept: 'application/graphql-response+json', ...headers });
    return { status, body };
  },
};

const ws: Transport = {
  name: 'ws',
  send(gw, query, variables, headers = {}) {
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (answer: Answer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        dispose();
        resolve(answer);
      };
      const timer = setTimeout(() => {
        settled = true;
        dispose();
        reject(new Error(`no answer over WebSocket within 20 s to ${query.slice(0, 80)}`));
      }, 20_000);
      const client = createClient({
        url: gw.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: headers.authorization ? { authorization: headers.authorization } : undefined,
      });
      const dispose = () =>
        void Promise.resolve()
          .then(() => client.dispose())
          .catch(() => undefined);
      const requestId = headers['x-request-id'];
      let first: Answer['body'] | undefined;
      client.subscribe(
        { query, variables, ...(requestId ? { extensions: { requestId } } : {}) },
        {
          next: (result) => {
            first ??= result as Answer['body'];
          },
          error: (error) => {
            if (Array.isArray(error)) settle({ body: { errors: error } });
            else if (error && typeof error === 'object' && 'code' in error) settle({ closeCode: (error as { code: number }).code, body: {} });
            else settle({ body: { errors: [{ message: String(error) }] } });
          },
          complete: () => settle({ body: first ?? {} }),
        },
      );
    });
  },
};

const sse: Transport = {
  name: 'sse',
  async send(gw, query, variables, headers = {}) {
    const response = await request(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.body.text();
    if (!String(response.headers['content-type']).startsWith('text/event-stream')) return { status: response.statusCode, body: JSON.parse(text) };
    // A query or mutation's stream: one `next` event with its result, then `complete`.
    const next = text
      .split('\n\n')
      .map((block) => block.split('\n'))
      .find((lines) => lines.includes('event: next'));
    const data = next?.find((line) => line.startsWith('data:'))?.slice(5);
    return { status: response.statusCode, body: data ? JSON.parse(data) : {} };
  },
};

export const TRANSPORTS: readonly Transport[] = [http, ws, sse];
