import { describe, expect, it, vi } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { CREDENTIAL_REJECTED, CredentialManager } from '../../src/providers/credentials.js';
import { ProviderError } from '../../src/providers/errors.js';
import { MemoryCredentialStore, type CredentialStore, type StoredCredential } from '../../src/state/credential-store.js';
import { StateUnavailableError } from '../../src/state/errors.js';

function manager(obtain: () => Promise<StoredCredential>, store: CredentialStore = new MemoryCredentialStore()) {
  return new CredentialManager({ provider: 'TELEPAGOS', identity: ['url', 'user', 'password'], store, obtain, renewMarginMs: 60_000 });
}

function counter(lifetimeMs = 3_600_000) {
  let n = 0;
  const obtain = async () => {
    n++;
    await sleep(10);
    return { value: `token-${n}`, expiresAtMs: Date.now() + lifetimeMs };
  };
  return { obtain, count: () => n };
}

describe('credential lifecycle', () => {
  it('obtains once for 100 concurrent callers and reuses the credential', async () => {
    const { obtain, count } = counter();
    const m = manager(obtain);
    const values = await Promise.all(Array.from({ length: 100 }, () => m.current()));
    expect(new Set(values)).toEqual(new Set(['token-1']));
    expect(await m.current()).toBe('token-1');
    expect(count()).toBe(1);
  });

  it('renews before expiry, within a tenth of a short lifetime', async () => {
    const { obtain, count } = counter(1_000); // margin becomes 100 ms
    const m = manager(obtain);
    expect(await m.current()).toBe('token-1');
    await sleep(950);
    expect(await m.current()).toBe('token-2');
    expect(count()).toBe(2);
  });

  it('does not cache a failed renewal: the next caller tries again', async () => {
    let fail = true;
    let calls = 0;
    const m = manager(async () => {
      calls++;
      if (fail) throw new Error('provider down');
      return { value: 'ok', expiresAtMs: Date.now() + 3_600_000 };
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => m.current()));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    fail = false;
    expect(await m.current()).toBe('ok');
    expect(calls).toBe(2);
  });

  it('renews once and replays once when the provider rejects the credential', async () => {
    const { obtain, count } = counter();
    const m = manager(obtain);
    const seen: string[] = [];
    const result = await m.run(async (token) => {
      seen.push(token);
      return token === 'token-1' ? CREDENTIAL_REJECTED : 'data';
    }, 'GET x');
    expect(result).toBe('data');
    expect(seen).toEqual(['token-1', 'token-2']);
    expect(count()).toBe(2);
  });

  it('gives up with UNAUTHENTICATED after the replay is rejected too', async () => {
    const { obtain, count } = counter();
    const m = manager(obtain);
    let calls = 0;
    const error = await m
      .run(async () => {
        calls++;
        return CREDENTIAL_REJECTED;
      }, 'GET x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).reason).toBe('UNAUTHENTICATED');
    expect((error as ProviderError).code).toBe('PROVIDER_ERROR');
    expect(calls).toBe(2);
    expect(count()).toBe(2);
  });

  it('never reuses a refused credential, even when a stale store read hands it back', async () => {
    const store = new MemoryCredentialStore();
    const { obtain, count } = counter();
    const m = manager(obtain, store);
    // A store whose reads lag behind deletions (a replica, or a read racing a delete in Redis).
    const stale = Object.assign(Object.create(store) as MemoryCredentialStore, {
      deleteIf: async () => undefined,
    });
    const lagging = manager(obtain, stale);
    expect(await lagging.current()).toBe('token-1');
    const seen: string[] = [];
    const result = await lagging.run(async (token) => {
      seen.push(token);
      return token === 'token-1' ? CREDENTIAL_REJECTED : 'ok';
    }, 'GET x');
    expect(result).toBe('ok');
    expect(seen).toEqual(['token-1', 'token-2']);
    expect(count()).toBe(2);
    expect(await m.current()).toBe('token-2');
  });

  it('keeps using the last credential, until it expires, while the store cannot be reached', async () => {
    const { obtain, count } = counter(1_000); // renewal due after 900 ms
    const store = new MemoryCredentialStore();
    let reachable = true;
    const unreachable = () => Promise.reject(new StateUnavailableError(new Error('Command timed out')));
    const flaky: CredentialStore = {
      get: (key) => (reachable ? store.get(key) : unreachable()),
      set: (key, credential) => (reachable ? store.set(key, credential) : unreachable()),
      deleteIf: (key, value) => store.deleteIf(key, value),
      singleFlight: (key, fn) => store.singleFlight(key, fn),
    };
    const m = manager(obtain, flaky);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = Date.now();
      expect(await m.current()).toBe('token-1');
      reachable = false;
      vi.setSystemTime(start + 950);
      expect(await m.current()).toBe('token-1');
      expect(count()).toBe(1);
      vi.setSystemTime(start + 1_001);
      // Expired and not renewable: the provider's own PROVIDER_UNAVAILABLE, naming the cause.
      const failure = await m.current().catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'ProviderError', code: 'PROVIDER_UNAVAILABLE', provider: 'TELEPAGOS', reason: 'STATE_UNAVAILABLE' });
      expect((failure as Error).cause).toBeInstanceOf(StateUnavailableError);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shares the credential between managers of the same identity through the store', async () => {
    const store = new MemoryCredentialStore();
    const { obtain, count } = counter();
    const a = manager(obtain, store);
    const b = manager(obtain, store);
    await Promise.all([a.current(), b.current(), a.current(), b.current()]);
    expect(count()).toBe(1);
  });

  it('keys the store by a digest, never by the secrets themselves', async () => {
    const store = new MemoryCredentialStore();
    const keys: string[] = [];
    const spy = Object.assign(Object.create(store) as MemoryCredentialStore, {
      set: async (key: string, credential: StoredCredential) => {
        keys.push(key);
        return store.set(key, credential);
      },
    });
    await manager(counter().obtain, spy).current();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^credential:telepagos:[0-9a-f]{32}$/);
    expect(keys[0]).not.toContain('password');
  });
});
