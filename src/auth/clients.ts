/**
 * Client apps and their API keys (CLIENTS_FILE): `[{ name, keySha256, scopes, rateLimit?, documents?,
 * manifests? }]`. Keys are never stored, only their SHA-256; a presented key is hashed and compared with
 * every entry in constant time. `documents` is the app's trusted-documents policy and `manifests` the
 * files (hash → document) of the documents it ships; the manifests are read and validated against the
 * schema by src/graphql/trusted-documents.ts, which attaches them here (`withTrusted`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DocumentNode, OperationDefinitionNode } from 'graphql';
import { knowSecret } from '../sanitize.js';
import { parseWebhooks, type WebhookEndpoint } from './webhook-endpoints.js';

export const SCOPES = ['read', 'cashin', 'cashout'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ClientApp {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Requests per second allowed (token bucket), when limited. */
  rateLimit?: { perSecond: number; burst: number };
}

/**
 * Which documents a client app may run:
 * - `trusted-only`: only the documents of its manifests (by id, by APQ hash, or their exact text); it can
 *   never register a document (APQ);
 * - `trusted-or-any`: its manifests' documents, and any other document too (text or APQ), each such
 *   document counted and logged as untrusted: the step before `trusted-only`;
 * - `any`: any document, text or APQ (its manifests, if it lists some, are served by id as well).
 */
export const DOCUMENT_POLICIES = ['trusted-only', 'trusted-or-any', 'any'] as const;
export type DocumentPolicy = (typeof DOCUMENT_POLICIES)[number];

/** A document the gateway holds: parsed and validated once, run by id. */
export interface TrustedDocument {
  /** `sha256:<hex>`: the id a client sends as `documentId`. */
  id: string;
  /** The SHA-256 of `text`, lower-case hex (the APQ `sha256Hash`). */
  hash: string;
  text: string;
  document: DocumentNode;
  /** The document's one operation. */
  operation: OperationDefinitionNode;
  /** Its name, for logs and metrics. */
  name: string | undefined;
  /** Where it came from: a manifest's path, or `apq` (registered by a client). */
  source: string;
}

/** A client app's documents: its policy and its manifests' documents by hash (hex). */
export interface ClientDocuments {
  policy: DocumentPolicy;
  trusted: ReadonlyMap<string, TrustedDocument>;
}

const NO_DOCUMENTS: ReadonlyMap<string, TrustedDocument> = new Map();
/** Who has no CLIENTS_FILE entry (open access outside production): any document. */
const OPEN_DOCUMENTS: ClientDocuments = { policy: 'any', trusted: NO_DOCUMENTS };

/**
 * Each identified client's documents, beside the ClientApp rather than on it, so a ClientApp stays the
 * small copy it always was (name, scopes, rate limit) and one identified client always carries the
 * documents of the registry that identified it: a request sees one table, never a mix across a reload.
 */
const documentsByClient = new WeakMap<ClientApp, ClientDocuments>();

/** The documents policy and manifests of a client app (open access: `any`, no manifest). */
export function documentsOf(client: ClientApp): ClientDocuments {
  return documentsByClient.get(client) ?? OPEN_DOCUMENTS;
}

interface ClientEntry extends ClientApp {
  digest: Buffer;
  documents: DocumentPolicy;
  /** Absolute paths of its manifests. */
  manifests: readonly string[];
  trusted: ReadonlyMap<string, TrustedDocument>;
  webhooks: readonly WebhookEndpoint[];
}

/** A client app's webhook endpoints, with what it may read (src/webhooks/deliveries.ts). */
export interface WebhookApp {
  name: string;
  scopes: ReadonlySet<Scope>;
  endpoints: readonly WebhookEndpoint[];
}

/** A CLIENTS_FILE (or one of its manifests) that cannot be used: every problem found, one per line. */
export class ClientsFileError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
  }
}

export interface ClientsFileOptions {
  /** Production: an app that lists manifests defaults to `trusted-only` (elsewhere `trusted-or-any`). */
  production?: boolean;
  /** WEBHOOK_ALLOW_HTTP: webhook endpoints may use http:// in production. */
  allowHttpWebhooks?: boolean;
  /** Where relative manifest paths start (the CLIENTS_FILE's folder; default the working directory). */
  baseDir?: string;
}

/**
 * The default `documents` policy: an app that ships manifests is held to them in production
 * (`trusted-only`) and is warned about outside it (`trusted-or-any`); an app without any manifest can
 * only send documents as text, so it keeps `any` (and the gateway says so at start).
 */
export function defaultDocumentPolicy(hasManifests: boolean, production: boolean): DocumentPolicy {
  if (!hasManifests) return 'any';
  return production ? 'trusted-only' : 'trusted-or-any';
}

function parseEntry(raw: unknown, index: number, options: ClientsFileOptions, problems: string[]): ClientEntry | undefined {
  const at = `CLIENTS_FILE entry ${index}`;
  if (typeof raw !== 'object' || raw === null) {
    problems.push(`${at} must be an object`);
    return undefined;
  }
  const before = problems.length;
  const entry = raw as Record<string, unknown>;
  if (typeof entry.name !== 'string' || !/^[\w.-]{1,64}$/.test(entry.name)) problems.push(`${at}: name must be 1-64 letters, digits, '.', '_' or '-'`);
  const label = `${at} (${typeof entry.name === 'string' ? entry.name.slice(0, 64) : '?'})`;
  if (typeof entry.keySha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(entry.keySha256)) problems.push(`${label}: keySha256 must be 64 hex digits`);
  if (!Array.isArray(entry.scopes) || entry.scopes.some((s) => !SCOPES.includes(s as Scope))) {
    problems.push(`${label}: scopes must be a list of ${SCOPES.join(', ')}`);
  }
  let rateLimit: ClientApp['rateLimit'];
  if (entry.rateLimit !== undefined) {
    const limit = entry.rateLimit as Record<string, unknown>;
    const perSecond = limit?.perSecond;
    const burst = limit?.burst ?? perSecond;
    if (typeof perSecond !== 'number' || perSecond <= 0 || typeof burst !== 'number' || burst < 1) {
      problems.push(`${label}: rateLimit must be { perSecond > 0, burst >= 1 }`);
    } else rateLimit = { perSecond, burst };
  }
  let manifests: string[] = [];
  if (entry.manifests !== undefined) {
    if (!Array.isArray(entry.manifests) || entry.manifests.length === 0 || entry.manifests.some((m) => typeof m !== 'string' || m.trim() === '')) {
      problems.push(`${label}: manifests must be a non-empty list of file paths (relative to the CLIENTS_FILE's folder)`);
    } else manifests = [...new Set((entry.manifests as string[]).map((m) => resolve(options.baseDir ?? process.cwd(), m)))];
  }
  let documents = defaultDocumentPolicy(manifests.length > 0, options.production ?? false);
  if (entry.documents !== undefined) {
    if (!DOCUMENT_POLICIES.includes(entry.documents as DocumentPolicy)) {
      problems.push(`${label}: documents must be one of ${DOCUMENT_POLICIES.map((p) => `"${p}"`).join(', ')}`);
    } else {
      documents = entry.documents as DocumentPolicy;
      if (documents !== 'any' && manifests.length === 0 && entry.manifests === undefined) {
        problems.push(`${label}: documents "${documents}" needs the app's manifests (a list of files in "manifests")`);
      }
    }
  }
  const webhooks = parseWebhooks(entry.webhooks, String(entry.name), label, { production: options.production, allowHttp: options.allowHttpWebhooks }, problems);
  if (problems.length > before) return undefined;
  return {
    webhooks,
    name: entry.name as string,
    scopes: new Set(entry.scopes as Scope[]),
    digest: Buffer.from((entry.keySha256 as string).toLowerCase(), 'hex'),
    rateLimit,
    documents,
    manifests,
    trusted: NO_DOCUMENTS,
  };
}

/** Keys recognized lately, so a busy client's key is hashed once, not on every request. */
const RECOGNIZED_CACHE_SIZE = 1_000;

export class ClientRegistry {
  /** Only keys that matched a client: unknown keys always take the full, constant-time path. */
  private readonly recognized = new Map<string, ClientApp>();

  /** The key hashes are known secrets to the sanitiser, as every key recognized is (`identify`). */
  private constructor(private readonly entries: readonly ClientEntry[]) {
    for (const entry of entries) knowSecret(entry.digest.toString('hex'));
  }

  /** Every problem of the file at once (a ClientsFileError listing them), or the registry. */
  static fromJson(json: unknown, options: ClientsFileOptions = {}): ClientRegistry {
    if (!Array.isArray(json)) throw new ClientsFileError('CLIENTS_FILE must hold a JSON array of clients');
    const problems: string[] = [];
    const entries = json.map((raw, index) => parseEntry(raw, index, options, problems));
    const valid = entries.filter((e): e is ClientEntry => e !== undefined);
    const names = new Set(valid.map((e) => e.name));
    if (names.size !== valid.length) problems.push('CLIENTS_FILE names must be unique');
    // One key for two entries would silently give it the first entry's name and scopes.
    const digests = new Set(valid.map((e) => e.digest.toString('hex')));
    if (digests.size !== valid.length) problems.push('CLIENTS_FILE keys must be unique: two entries have the same keySha256');
    if (problems.length > 0) throw new ClientsFileError(problems);
    return new ClientRegistry(valid);
  }

  /** The file's registry; relative manifest paths are read from the file's folder. */
  static async fromFile(path: string, options: Omit<ClientsFileOptions, 'baseDir'> = {}): Promise<ClientRegistry> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new ClientsFileError(`CLIENTS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ClientsFileError('CLIENTS_FILE is not valid JSON');
    }
    return ClientRegistry.fromJson(json, { ...options, baseDir: dirname(resolve(path)) });
  }

  /** Every manifest file any app lists (absolute paths, each once). */
  get manifests(): readonly string[] {
    return [...new Set(this.entries.flatMap((e) => e.manifests))];
  }

  /** The apps, for logs and metrics: name, policy, manifests, how many trusted documents it holds. */
  get apps(): readonly { name: string; policy: DocumentPolicy; manifests: readonly string[]; documents: number }[] {
    return this.entries.map(({ name, documents, manifests, trusted }) => ({ name, policy: documents, manifests, documents: trusted.size }));
  }

  /** A registry like this one whose apps carry their manifests' documents (`documents(manifests)`). */
  withTrusted(documents: (manifests: readonly string[]) => ReadonlyMap<string, TrustedDocument>): ClientRegistry {
    return new ClientRegistry(this.entries.map((entry) => ({ ...entry, trusted: entry.manifests.length > 0 ? documents(entry.manifests) : NO_DOCUMENTS })));
  }

  /** The apps that list webhook endpoints. */
  get webhookApps(): readonly WebhookApp[] {
    return this.entries.filter((e) => e.webhooks.length > 0).map(({ name, scopes, webhooks }) => ({ name, scopes, endpoints: webhooks }));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The client whose key this is, or undefined. A key not seen lately is hashed and compared with every
   * entry, in constant time each; a recognized key is remembered (bounded), since hashing it on every
   * request of a busy client costs more than anything else in authentication.
   */
  identify(apiKey: string): ClientApp | undefined {
    const known = this.recognized.get(apiKey);
    if (known) return known;
    const digest = createHash('sha256').update(apiKey, 'utf8').digest();
    let found: ClientEntry | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, digest) && !found) found = entry;
    }
    if (!found) return undefined;
    knowSecret(apiKey);
    const client: ClientApp = { name: found.name, scopes: found.scopes, rateLimit: found.rateLimit };
    documentsByClient.set(client, { policy: found.documents, trusted: found.trusted });
    if (this.recognized.size >= RECOGNIZED_CACHE_SIZE) this.recognized.delete(this.recognized.keys().next().value!);
    this.recognized.set(apiKey, client);
    return client;
  }
}

/** `Authorization: Bearer <key>` → the key, or undefined when absent or malformed. */
export function bearerKey(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+([\x21-\x7e]{1,512})$/i.exec(header.trim());
  return match?.[1];
}
