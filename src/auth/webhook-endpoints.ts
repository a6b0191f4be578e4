/**
 * The `webhooks` of a client app in CLIENTS_FILE (issue 28): `[{ url, secret, events?, provider? }]`,
 * checked when the file loads. A URL must be absolute http(s) without credentials; https only in
 * production unless WEBHOOK_ALLOW_HTTP=true; never a link-local address (169.254.0.0/16, fe80::/10) or a
 * cloud metadata host. A secret is `whsec_` + base64 of 24–64 bytes (Standard Webhooks), held as a
 * Secret so it is never printed and is redacted from any text by the sanitiser.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { PaymentEventType } from '../events/bus.js';
import { PROVIDERS, type ProviderId } from '../providers/provider.js';
import { knowSecret } from '../sanitize.js';
import { Secret } from '../secret.js';

export const WEBHOOK_EVENT_TYPES: readonly PaymentEventType[] = ['PAYMENT_CREATED', 'PAYMENT_UPDATED', 'CASHIN_RECEIVED', 'CASHOUT_UPDATED'];

export interface WebhookEndpoint {
  /** A short hash of the app's name and the URL: the endpoint's name in metrics, logs and shared state (never the URL). */
  id: string;
  url: string;
  /** The signing key, as base64 (the secret's part after `whsec_`); `reveal()` only to sign. */
  key: Secret;
  /** Only these event types (all when undefined). */
  events?: ReadonlySet<PaymentEventType>;
  provider?: ProviderId;
}

export interface WebhookUrlOptions {
  production?: boolean;
  /** WEBHOOK_ALLOW_HTTP: http:// endpoints in production. */
  allowHttp?: boolean;
}

/** Hosts that answer cloud instance metadata (credentials!) whatever their address. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);
/** Metadata addresses outside the link-local ranges (Alibaba Cloud, AWS over IPv6, Oracle). */
const METADATA_ADDRESSES = new Set(['100.100.100.200', 'fd00:ec2::254', '192.0.0.192']);

/** Why `raw` cannot be a webhook URL, or undefined when it can. */
export function webhookUrlProblem(raw: unknown, options: WebhookUrlOptions): string | undefined {
  if (typeof raw !== 'string') return 'must be an absolute https:// URL';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https:// URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an absolute https:// URL';
  if (url.protocol === 'http:' && options.production && !options.allowHttp) return 'must use https in production (set WEBHOOK_ALLOW_HTTP=true to allow http)';
  if (url.username || url.password) return 'must not carry credentials (deliveries are signed with the secret)';
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return 'must not be a cloud metadata address';
  return isIP(host) ? forbiddenAddress(host) : undefined;
}

/**
 * Why a webhook may not be sent to the IP address `address` (a link-local or cloud metadata address),
 * or undefined. Checked on the URL when the file loads, and on every address a host name resolves to
 * when a delivery connects (src/webhooks/deliveries.ts), so a name pointing there is refused too.
 */
export function forbiddenAddress(address: string): string | undefined {
  const ip = address.toLowerCase();
  if (METADATA_ADDRESSES.has(ip)) return 'must not be a cloud metadata address';
  if (isIP(ip) === 4 && ip.startsWith('169.254.')) return 'must not be a link-local address (169.254.0.0/16: cloud metadata)';
  if (isIP(ip) === 6 && /^fe[89ab]/.test(ip)) return 'must not be a link-local address (fe80::/10)';
  const mapped = /^::ffff:(.+)$/.exec(ip)?.[1];
  if (mapped !== undefined && (mapped.startsWith('169.254.') || /^a9fe:/.test(mapped) || METADATA_ADDRESSES.has(mapped)))
    return 'must not be a link-local address (169.254.0.0/16: cloud metadata)';
  return undefined;
}

/** The signing key of a `whsec_` secret, or undefined when it is not `whsec_` + base64 of 24–64 bytes. */
export function webhookKey(raw: unknown): Buffer | undefined {
  if (typeof raw !== 'string') return undefined;
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(raw);
  if (!match || match[1]!.length % 4 !== 0) return undefined;
  const key = Buffer.from(match[1]!, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : undefined;
}

/** The app's endpoints, each problem pushed (naming the app, the endpoint's index and the field). */
export function parseWebhooks(raw: unknown, app: string, label: string, options: WebhookUrlOptions, problems: string[]): WebhookEndpoint[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    problems.push(`${label}: webhooks must be a list of { url, secret, events?, provider? }`);
    return [];
  }
  const endpoints: WebhookEndpoint[] = [];
  raw.forEach((item: unknown, index) => {
    const at = `${label}: webhooks[${index}]`;
    if (typeof item !== 'object' || item === null) {
      problems.push(`${at} must be an object { url, secret, events?, provider? }`);
      return;
    }
    const entry = item as Record<string, unknown>;
    const before = problems.length;
    const urlProblem = webhookUrlProblem(entry.url, options);
    if (urlProblem) problems.push(`${at}.url ${urlProblem}`);
    const key = webhookKey(entry.secret);
    // The secret itself is never quoted in a problem.
    if (!key) problems.push(`${at}.secret must be "whsec_" followed by the base64 of 24 to 64 random bytes`);
    if (
      entry.events !== undefined &&
      (!Array.isArray(entry.events) || entry.events.length === 0 || entry.events.some((e) => !WEBHOOK_EVENT_TYPES.includes(e as PaymentEventType)))
    ) {
      problems.push(`${at}.events must be a non-empty list of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
    }
    if (entry.provider !== undefined && !PROVIDERS.includes(entry.provider as ProviderId))
      problems.push(`${at}.provider must be one of ${PROVIDERS.join(', ')}`);
    if (problems.length > before) return;
    const url = entry.url as string;
    // Both spellings are known to the sanitiser: redacted wherever either might appear in a text.
    knowSecret(entry.secret as string);
    endpoints.push({
      id: createHash('sha256').update(`${app}\n${url}`).digest('hex').slice(0, 12),
      url,
      key: new Secret(key!.toString('base64')),
      events: entry.events ? new Set(entry.events as PaymentEventType[]) : undefined,
      provider: entry.provider as ProviderId | undefined,
    });
  });
  if (new Set(endpoints.map((e) => e.id)).size !== endpoints.length) problems.push(`${label}: webhooks must not list the same url twice`);
  return endpoints;
}
