/** CLIENTS_FILE `webhooks`: what is refused when the file loads, and that the secret never shows. */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ClientRegistry, ClientsFileError, type ClientsFileOptions } from '../../src/auth/clients.js';
import { sanitizeText } from '../../src/sanitize.js';

const SECRET = `whsec_${Buffer.from('a-webhook-secret-of-32-bytes!!!!').toString('base64')}`;

function load(webhooks: unknown, options: ClientsFileOptions = {}): ClientRegistry {
  return ClientRegistry.fromJson([{ name: 'shop', keySha256: 'c'.repeat(64), scopes: ['read'], webhooks }], options);
}

function problems(webhooks: unknown, options: ClientsFileOptions = {}): string[] {
  try {
    load(webhooks, options);
  } catch (error) {
    if (error instanceof ClientsFileError) return [...error.problems];
    throw error;
  }
  throw new Error('accepted');
}

describe('webhook endpoints in CLIENTS_FILE', () => {
  it('accepts a well-formed endpoint, with its events and provider', () => {
    const [app] = load([{ url: 'https://shop.example/hooks', secret: SECRET, events: ['PAYMENT_UPDATED'], provider: 'TALO' }]).webhookApps;
    expect(app!.name).toBe('shop');
    expect(app!.endpoints[0]).toMatchObject({ url: 'https://shop.example/hooks', provider: 'TALO', id: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect([...app!.endpoints[0]!.events!]).toEqual(['PAYMENT_UPDATED']);
  });

  it.each([
    ['not a URL', 'not a url', /webhooks\[0\]\.url must be an absolute https:\/\/ URL/],
    ['another scheme', 'ftp://shop.example/x', /url must be an absolute https/],
    ['credentials in the URL', 'https://user:pw@shop.example/x', /must not carry credentials/],
    ['a link-local address (cloud metadata)', 'https://169.254.169.254/latest/meta-data', /link-local/],
    ['an IPv6 link-local address', 'https://[fe80::1]/x', /link-local/],
    ['a metadata host name', 'http://metadata.google.internal/computeMetadata/v1', /metadata/],
    ['an IPv4-mapped link-local address', 'https://[::ffff:169.254.169.254]/x', /link-local/],
  ])('refuses %s', (_what, url, why) => {
    const found = problems([{ url, secret: SECRET }]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^CLIENTS_FILE entry 0 \(shop\): /);
    expect(found[0]).toMatch(why);
  });

  it('refuses http in production unless WEBHOOK_ALLOW_HTTP, and allows it elsewhere', () => {
    expect(problems([{ url: 'http://shop.example/x', secret: SECRET }], { production: true })[0]).toMatch(
      /must use https in production \(set WEBHOOK_ALLOW_HTTP=true/,
    );
    expect(load([{ url: 'http://shop.example/x', secret: SECRET }], { production: true, allowHttpWebhooks: true }).webhookApps).toHaveLength(1);
    expect(load([{ url: 'http://127.0.0.1:8080/x', secret: SECRET }]).webhookApps).toHaveLength(1);
  });

  it.each([
    ['no whsec_ prefix', Buffer.from('a-webhook-secret-of-32-bytes!!!!').toString('base64')],
    ['not base64', 'whsec_not base64!!'],
    ['too short a key', `whsec_${Buffer.from('short').toString('base64')}`],
    ['not a string', 42],
  ])('refuses a secret with %s, without quoting it', (_what, secret) => {
    const found = problems([{ url: 'https://shop.example/x', secret }]);
    expect(found).toEqual(['CLIENTS_FILE entry 0 (shop): webhooks[0].secret must be "whsec_" followed by the base64 of 24 to 64 random bytes']);
  });

  it('refuses unknown event types or providers, a repeated URL, and a webhooks that is not a list', () => {
    expect(problems([{ url: 'https://shop.example/x', secret: SECRET, events: ['PAYMENT_DELETED'] }])[0]).toMatch(
      /webhooks\[0\]\.events must be a non-empty list of PAYMENT_CREATED/,
    );
    expect(problems([{ url: 'https://shop.example/x', secret: SECRET, provider: 'PAYPAL' }])[0]).toMatch(
      /webhooks\[0\]\.provider must be one of TELEPAGOS, TALO, TUPAY/,
    );
    expect(
      problems([
        { url: 'https://shop.example/x', secret: SECRET },
        { url: 'https://shop.example/x', secret: SECRET },
      ])[0],
    ).toMatch(/same url twice/);
    expect(problems({ url: 'https://shop.example/x' })[0]).toMatch(/webhooks must be a list/);
  });

  it('never prints the secret: inspected, serialized or in a text the sanitiser cleans', () => {
    const endpoint = load([{ url: 'https://shop.example/x', secret: SECRET }]).webhookApps[0]!.endpoints[0]!;
    const key = SECRET.slice('whsec_'.length);
    expect(inspect(endpoint)).not.toContain(key);
    expect(JSON.stringify(endpoint)).not.toContain(key);
    expect(sanitizeText(`echoed ${SECRET} and ${key}`)).not.toContain(key);
  });
});
