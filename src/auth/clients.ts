/**
 * Client apps and their API keys (CLIENTS_FILE): `[{ name, keySha256, scopes }]`. Keys are never stored,
 * only their SHA-256; a presented key is hashed and compared with every entry in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export const SCOPES = ['read', 'cashin', 'cashout'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ClientApp {
  name: string;
  scopes: ReadonlySet<Scope>;
  /** Requests per second allowed (token bucket), when limited. */
  rateLimit?: { perSecond: number; burst: number };
}

interface ClientEntry extends ClientApp {
  digest: Buffer;
}

export class ClientsFileError extends Error {}

function parseEntry(raw: unknown, index: number): ClientEntry {
  const at = `CLIENTS_FILE entry ${index}`;
  if (typeof raw !== 'object' || raw === null) throw new ClientsFileError(`${at} must be an object`);
  const entry = raw as Record<string, unknown>;
  if (typeof entry.name !== 'string' || !/^[\w.-]{1,64}$/.test(entry.name))
    throw new ClientsFileError(`${at}: name must be 1-64 letters, digits, '.', '_' or '-'`);
  if (typeof entry.keySha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(entry.keySha256))
    throw new ClientsFileError(`${at} (${entry.name}): keySha256 must be 64 hex digits`);
  if (!Array.isArray(entry.scopes) || entry.scopes.some((s) => !SCOPES.includes(s as Scope))) {
    throw new ClientsFileError(`${at} (${entry.name}): scopes must be a list of ${SCOPES.join(', ')}`);
  }
  let rateLimit: ClientApp['rateLimit'];
  if (entry.rateLimit !== undefined) {
    const limit = entry.rateLimit as Record<string, unknown>;
    const perSecond = limit?.perSecond;
    const burst = limit?.burst ?? perSecond;
    if (typeof perSecond !== 'number' || perSecond <= 0 || typeof burst !== 'number' || burst < 1) {
      throw new ClientsFileError(`${at} (${entry.name}): rateLimit must be { perSecond > 0, burst >= 1 }`);
    }
    rateLimit = { perSecond, burst };
  }
  return { name: entry.name, scopes: new Set(entry.scopes as Scope[]), digest: Buffer.from(entry.keySha256.toLowerCase(), 'hex'), rateLimit };
}

/** Keys recognized lately, so a busy client's key is hashed once, not on every request. */
const RECOGNIZED_CACHE_SIZE = 1_000;

export class ClientRegistry {
  /** Only keys that matched a client: unknown keys always take the full, constant-time path. */
  private readonly recognized = new Map<string, ClientApp>();

  private constructor(private readonly entries: readonly ClientEntry[]) {}

  static fromJson(json: unknown): ClientRegistry {
    if (!Array.isArray(json)) throw new ClientsFileError('CLIENTS_FILE must hold a JSON array of clients');
    const entries = json.map(parseEntry);
    const names = new Set(entries.map((e) => e.name));
    if (names.size !== entries.length) throw new ClientsFileError('CLIENTS_FILE names must be unique');
    // One key for two entries would silently give it the first entry's name and scopes.
    const digests = new Set(entries.map((e) => e.digest.toString('hex')));
    if (digests.size !== entries.length) throw new ClientsFileError('CLIENTS_FILE keys must be unique: two entries have the same keySha256');
    return new ClientRegistry(entries);
  }

  static async fromFile(path: string): Promise<ClientRegistry> {
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
    return ClientRegistry.fromJson(json);
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
    const client: ClientApp = { name: found.name, scopes: found.scopes, rateLimit: found.rateLimit };
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
