/**
 * Paths other tools and people probe (issue 31, item 7): Apollo's health path as an alias of /healthz,
 * and, with no explorer (EXPLORER=off, production's default), a browser's GET /graphql answered by a
 * small page saying so — while every non-browser request is answered exactly as before.
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { prefersHtml } from '../../src/explorer/off-page.js';
import { useTestGateway } from '../helpers/gateway.js';

/** What Chromium and Firefox send when a person opens a URL. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await request(url, { headers });
  return { status: response.statusCode, type: String(response.headers['content-type']), text: await response.body.text() };
}

describe('Apollo health path', () => {
  const gw = useTestGateway();

  it('GET /.well-known/apollo/server-health answers as /healthz does', async () => {
    const [alias, healthz] = await Promise.all([get(`${gw().url}/.well-known/apollo/server-health`), get(`${gw().url}/healthz`)]);
    expect(alias).toEqual(healthz);
    expect(alias.status).toBe(200);
    expect(JSON.parse(alias.text)).toEqual({ status: 'ok' });
  });
});

describe('GET /graphql with the explorer off', () => {
  const off = useTestGateway({ env: { EXPLORER: 'off' } });
  const on = useTestGateway();

  it('gives a browser a static page saying the explorer is off and how to send operations', async () => {
    const page = await get(`${off().url}/graphql`, { accept: BROWSER_ACCEPT });
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html; charset=utf-8/);
    expect(page.text).toContain('The explorer is off here');
    expect(page.text).toContain('POST');
    expect(page.text).toContain('EXPLORER=graphiql');
    expect(page.text).not.toMatch(/<script/i);
    // The same request with the explorer on gets the explorer, not this page.
    const explorer = await get(`${on().url}/graphql`, { accept: BROWSER_ACCEPT });
    expect(explorer.text).toContain('<div id="explorer">');
    expect(explorer.text).not.toContain('The explorer is off here');
  });

  it('answers every other request as before: JSON clients, a GET with a query, a POST', async () => {
    const typename = `${off().url}/graphql?query=${encodeURIComponent('{__typename}')}`;
    // A GET without HTML in Accept is still GraphQL's: it runs the query.
    const ran = await get(typename, { accept: 'application/json' });
    expect(ran.text).not.toContain('The explorer is off here');
    expect(JSON.parse(ran.text)).toEqual({ data: { __typename: 'Query' } });
    const posted = await off().query('{ __typename }');
    expect(posted.body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('prefersHtml', () => {
  it.each([
    [BROWSER_ACCEPT, true],
    ['text/html', true],
    ['application/json, text/html', false],
    ['text/html;q=0.5, application/json', false],
    ['application/graphql-response+json, application/json;q=0.9', false],
    ['*/*', false],
    ['', false],
  ])('%j → %s', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});
