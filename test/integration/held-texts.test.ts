/**
 * A query text the gateway has validated once is held (src/graphql/held-texts.ts) and the HTTP door
 * runs it again through the operation pipeline without Apollo's request pipeline
 * (src/graphql/persisted-http.ts). Each request below is sent twice over real HTTP: the first time
 * Apollo parses and validates it, the second time (held) it does not — which door's path ran is seen by
 * a test step reading `request.parsesText` — and both answers are the same: status, content type and
 * body (but for the request id). Requests Apollo answers in its own words (a parse or validation
 * failure, an unknown operation name, a malformed field) go to Apollo every time, and a held text is
 * still put to each client app's document policy.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/auth/clients.js';
import type { Step } from '../../src/graphql/pipeline.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const KEYS = { any: 'pk_held_any_0123456789abcdef0123456789', only: 'pk_held_only_0123456789abcdef012345678' };

/** Whether each operation's text was parsed by Apollo (true) or run as held (false), in order. */
const parsedByApollo: boolean[] = [];
const probe: Step = {
  name: 'test-held-probe',
  admit(operation) {
    if (operation.request.door === 'http') parsedByApollo.push(operation.request.parsesText === true);
  },
};

let dir: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pasarela-held-'));
  await writeFile(join(dir, 'web.json'), JSON.stringify({ [`sha256:${sha256(MANIFEST_QUERY)}`]: MANIFEST_QUERY }));
  const file = join(dir, 'clients.json');
  await writeFile(
    file,
    JSON.stringify([
      { name: 'any', keySha256: sha256(KEYS.any), scopes: ['read'], documents: 'any' },
      { name: 'only', keySha256: sha256(KEYS.only), scopes: ['read'], documents: 'trusted-only', manifests: ['web.json'] },
    ]),
  );
  gw = await startTestGateway({ clients: await ClientRegistry.fromFile(file), clientsFile: file, steps: (steps) => [probe, ...steps] });
}, 30_000);

afterAll(async () => {
  await gw?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  parsedByApollo.length = 0;
});

const MANIFEST_QUERY = 'query Manifest { accounts { provider } }';

interface Answer {
  status: number;
  contentType: string | undefined;
  body: unknown;
}

/**
 * The body as parsed JSON, without the request ids (one per request) and the stack traces outside
 * production (they name the functions each path called).
 */
function withoutRequestIds(text: string): unknown {
  return JSON.parse(text, (key, value: unknown) => (key === 'requestId' ? '<id>' : key === 'stacktrace' ? undefined : value));
}

async function send(method: 'GET' | 'POST', params: Record<string, unknown>, headers: Record<string, string> = {}, key = KEYS.any): Promise<Answer> {
  const auth = { authorization: `Bearer ${key}` };
  const response =
    method === 'POST'
      ? await request(`${gw.url}/graphql`, { method, headers: { 'content-type': 'application/json', ...auth, ...headers }, body: JSON.stringify(params) })
      : await request(
          `${gw.url}/graphql?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]))}`,
          { method, headers: { ...auth, ...headers } },
        );
  const text = await response.body.text();
  return { status: response.statusCode, contentType: response.headers['content-type'] as string | undefined, body: withoutRequestIds(text) };
}

/** Sent twice; the two answers, and which path each took. */
async function twice(method: 'GET' | 'POST', params: Record<string, unknown>, headers?: Record<string, string>) {
  const first = await send(method, params, headers);
  const second = await send(method, params, headers);
  return { first, second, paths: [...parsedByApollo] };
}

// Each case its own text (a comment makes it distinct), so the first send is the text's first sight.
let n = 0;
const fresh = (text: string) => `# case ${++n}\n${text}`;
const MUTATION = 'mutation Send($input: CreateCashoutInput!) { createCashout(input: $input) { __typename } }';
const BALANCE = 'query Balance($p: Provider!) { account(provider: $p) { provider balance { amount currency } } }';

describe('a held text runs without Apollo and answers as Apollo did', () => {
  it.each([
    { what: 'POST with variables', method: 'POST' as const, params: () => ({ query: fresh(BALANCE), variables: { p: 'TELEPAGOS' } }) },
    {
      what: 'POST, two operations, one named',
      method: 'POST' as const,
      params: () => ({ query: fresh(`${BALANCE} query Other { accounts { provider } }`), operationName: 'Other' }),
    },
    {
      what: 'POST asking for application/graphql-response+json',
      method: 'POST' as const,
      params: () => ({ query: fresh(BALANCE), variables: { p: 'TUPAY' } }),
      headers: { accept: 'application/graphql-response+json' },
    },
    { what: 'GET with variables as JSON', method: 'GET' as const, params: () => ({ query: fresh(BALANCE), variables: { p: 'TELEPAGOS' } }) },
    {
      what: 'a variable of the wrong type (400, no data)',
      method: 'POST' as const,
      params: () => ({ query: fresh(BALANCE), variables: { p: 'NOT_A_PROVIDER' } }),
      headers: { accept: 'application/graphql-response+json' },
    },
    {
      what: 'the same, to a legacy application/json client (200)',
      method: 'POST' as const,
      params: () => ({ query: fresh(BALANCE), variables: { p: 'NOT_A_PROVIDER' } }),
    },
    {
      what: 'a mutation over GET (405)',
      method: 'GET' as const,
      params: () => ({ query: fresh(MUTATION) }),
      apolloOnly: true,
    },
    {
      what: 'an unknown field (validation fails: never held)',
      method: 'POST' as const,
      params: () => ({ query: fresh('{ noSuchField }') }),
      apolloOnly: true,
    },
    {
      what: 'an unknown operation name (Apollo words it)',
      method: 'POST' as const,
      params: () => ({ query: fresh(BALANCE), operationName: 'Missing' }),
      apolloOnly: true,
    },
    {
      what: 'variables sent as a JSON string (Apollo refuses the shape)',
      method: 'POST' as const,
      params: () => ({ query: fresh(BALANCE), variables: '{"p":"TELEPAGOS"}' }),
      apolloOnly: true,
    },
  ])('$what', async ({ method, params, headers, apolloOnly }) => {
    const { first, second, paths } = await twice(method, params(), headers);
    expect(second).toEqual(first);
    if (apolloOnly) {
      // Apollo answers it both times (a refusal before admission reaches no step).
      expect(paths.every((byApollo) => byApollo)).toBe(true);
    } else {
      expect(paths).toEqual([true, false]);
      expect(first.status).toBeLessThan(500);
    }
  });

  it('a mutation over GET is refused 405 by the held path too, once the text is held through POST', async () => {
    const mutation = fresh(MUTATION);
    // Held by a POST that Apollo validates (then refused: the app may only read; nothing is sent).
    const posted = await send('POST', { query: mutation });
    expect(posted.body).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const viaApollo = await send('GET', { query: `${mutation} ` });
    const held = await send('GET', { query: mutation });
    expect(parsedByApollo).toEqual([true, true, false]);
    expect(held.status).toBe(405);
    expect(held).toEqual(viaApollo);
  });

  it('a held text in a request Apollo would refuse goes to Apollo: GET variables that are not JSON', async () => {
    const text = fresh(BALANCE);
    expect((await send('POST', { query: text, variables: { p: 'TELEPAGOS' } })).status).toBe(200);
    const held = await send('GET', { query: text, variables: '{"p": TELEPAGOS' });
    const unheld = await send('GET', { query: `${text} `, variables: '{"p": TELEPAGOS' });
    expect(held.status).toBe(400);
    expect(held).toEqual(unheld);
    // Both GETs went to Apollo (admitted by its context, then refused by its own JSON parse), none held.
    expect(parsedByApollo).toEqual([true, true, true]);
  });

  it('a held text is still put to each app’s document policy: a trusted-only app is refused it, and served its manifest text', async () => {
    const text = fresh('{ accounts { provider } }');
    // Not held yet: Apollo's door refuses it at the app's policy, before parsing it.
    const refusedFirst = await send('POST', { query: text }, {}, KEYS.only);
    expect(refusedFirst.status).toBe(403);
    expect(refusedFirst.body).toMatchObject({ errors: [{ extensions: { code: 'TRUSTED_DOCUMENT_REQUIRED' } }] });
    // Another app runs it: now it is held, and the trusted-only app is refused it on the held path alike.
    expect((await send('POST', { query: text })).status).toBe(200);
    const refusedHeld = await send('POST', { query: text }, {}, KEYS.only);
    expect(refusedHeld).toEqual(refusedFirst);
    expect(parsedByApollo).toEqual([true, true, false]);

    const manifest = await send('POST', { query: MANIFEST_QUERY }, {}, KEYS.only);
    const again = await send('POST', { query: MANIFEST_QUERY }, {}, KEYS.only);
    expect(manifest.status).toBe(200);
    expect(again).toEqual(manifest);
  });
});
