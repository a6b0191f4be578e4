/** The benchmark's own HTTP: GraphQL calls to a server, the sandboxes' control surface, direct provider calls. */
import { Agent, request } from 'undici';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/credentials.js';

/** Enough sockets for the 1,000-concurrent case; loopback only. */
export const agent = new Agent({ connections: 1_100, pipelining: 1, keepAliveTimeout: 30_000 });

export interface GraphQLAnswer {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export async function graphql(url: string, apiKey: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer> {
  const response = await request(url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.body.json()) as GraphQLAnswer;
}

/** Like `graphql`, but any error is fatal: a benchmark of failing operations measures nothing. */
export async function graphqlOk(
  url: string,
  apiKey: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const answer = await graphql(url, apiKey, query, variables);
  if (answer.errors?.length || !answer.data) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors ?? answer).slice(0, 800)}`);
  return answer.data;
}

export async function json<T>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Record<string, string | string[] | undefined> }> {
  const response = await request(url, {
    method: (init.method ?? 'GET') as 'GET',
    dispatcher: agent,
    headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

// ── Sandbox control surface ────────────────────────────────────────────────────────────────────────

export interface Stats {
  total: number;
  counts: Record<string, number>;
  tokensIssued: number;
}

export const clearLog = (sandbox: string) => json(`${sandbox}/_sandbox/requests`, { method: 'DELETE' });
export const stats = async (sandbox: string) => (await json<Stats>(`${sandbox}/_sandbox/stats`)).body;
export const clearFaults = (sandbox: string) => json(`${sandbox}/_sandbox/faults`, { method: 'DELETE' });
export const addFault = (sandbox: string, fault: Record<string, unknown>) => json(`${sandbox}/_sandbox/faults`, { method: 'POST', body: fault });

/** Provider calls per route since the last clear, without the control surface. */
export async function upstreamCounts(sandboxes: Record<string, string>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, url] of Object.entries(sandboxes)) {
    for (const [route, n] of Object.entries((await stats(url)).counts)) {
      if (!route.includes(' /_sandbox')) counts[`${name} ${route}`] = n;
    }
  }
  return counts;
}

/** Routes that obtain credentials (token, login), counted apart from the data calls. */
export const isAuthRoute = (route: string) => /auth\/token|auth\/login|\/tokens$/.test(route);

// ── Direct provider calls (the bench's own, e.g. the overhead baseline and the minimum references) ──

export async function telepagosToken(base: string): Promise<string> {
  const { username, password } = SANDBOX_CREDENTIALS.telepagos;
  const { body } = await json<{ token: string }>(`${base}/v2/auth/token`, { method: 'POST', body: { username, password } });
  return body.token;
}

export async function tupayCookie(base: string): Promise<string> {
  const { accessKey, secretKey } = SANDBOX_CREDENTIALS.tupay;
  const { headers } = await json(`${base}/v1/auth/login`, { method: 'POST', body: { accessKey, secretKey } });
  const cookies = ([] as string[]).concat(headers['set-cookie'] ?? []);
  return cookies.map((c) => c.split(';')[0]).join('; ');
}

export async function taloToken(base: string): Promise<string> {
  const { userId, clientId, clientSecret } = SANDBOX_CREDENTIALS.talo;
  const { body } = await json<{ data: { token: string } }>(`${base}/users/${userId}/tokens`, {
    method: 'POST',
    body: { client_id: clientId, client_secret: clientSecret },
  });
  return body.data.token;
}
