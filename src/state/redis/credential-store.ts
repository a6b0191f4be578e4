/**
 * Provider credentials in Redis: replicas share one token per provider account, and renew it once.
 * Renewal takes a short lock (SET NX PX); replicas that find it taken wait for it to go, then look in
 * the store again — where the renewed credential already is.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { CredentialStore, StoredCredential } from '../credential-store.js';
import { guarded } from './connection.js';

/** Longest a renewal may hold the lock (a token request with its timeout fits well inside). */
export const RENEWAL_LOCK_MS = 15_000;
const LOCK_POLL_MS = 25;

/** Deletes the lock KEYS[1] only when it still holds ARGV[1] (compare-and-delete). */
const DELETE_IF_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Deletes the credential KEYS[1] only when its value is still ARGV[1], in one atomic step. */
const DELETE_CREDENTIAL_IF_SCRIPT = `
local raw = redis.call('GET', KEYS[1])
if raw and cjson.decode(raw).value == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisCredentialStore implements CredentialStore {
  /** Within one replica, callers share the flight without touching Redis. */
  private readonly flights = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }

  async get(key: string): Promise<StoredCredential | undefined> {
    const raw = await guarded(() => this.redis.get(this.key(key)));
    if (!raw) return undefined;
    const credential = JSON.parse(raw) as StoredCredential;
    return credential.expiresAtMs > Date.now() ? credential : undefined;
  }

  async set(key: string, credential: StoredCredential): Promise<void> {
    const ttl = Math.max(1, credential.expiresAtMs - Date.now());
    await guarded(() => this.redis.set(this.key(key), JSON.stringify(credential), 'PX', ttl));
  }

  async deleteIf(key: string, value: string): Promise<void> {
    await guarded(() => this.redis.eval(DELETE_CREDENTIAL_IF_SCRIPT, 1, this.key(key), value));
  }

  singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const local = this.flights.get(key);
    if (local) return local as Promise<T>;
    const flight = this.acrossReplicas(key, fn).finally(() => this.flights.delete(key));
    this.flights.set(key, flight);
    return flight;
  }

  private async acrossReplicas<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lock = this.key(`lock:${key}`);
    const owner = randomBytes(12).toString('hex');
    for (;;) {
      if (await guarded(() => this.redis.set(lock, owner, 'PX', RENEWAL_LOCK_MS, 'NX'))) {
        try {
          return await fn();
        } finally {
          await this.redis.eval(DELETE_IF_SCRIPT, 1, lock, owner).catch(() => undefined);
        }
      }
      // Another replica is renewing: wait for its lock to go; `fn` then finds the new credential.
      while (await guarded(() => this.redis.exists(lock))) await sleep(LOCK_POLL_MS);
    }
  }
}
