// Resolves a bearer key to its record from an in-memory cache (no database round trip per request); keys changed
// elsewhere (revoked on another gateway instance) are picked up by `refresh`, which the composition root runs
// every few hundred milliseconds.
import { hashApiKey } from '../../domain/keys/api-key.ts';
import type { ApiKeyRecord, Clock, KeyStore } from '../ports.ts';

export type AuthFailure = 'missing' | 'unknown' | 'revoked' | 'expired';
export type AuthOutcome = { ok: true; key: ApiKeyRecord } | { ok: false; reason: AuthFailure };

export type KeyAuthenticator = {
  authenticate(rawKey: string | undefined): Promise<AuthOutcome>;
  /** the same, for a key known by its hash (a console session keeps only that) */
  authenticateHash(hash: string): Promise<AuthOutcome>;
  refresh(): Promise<void>;
  /** applies a change made by this instance at once (e.g. its own revocation) */
  forget(keyId: string): void;
};

export function createKeyAuthenticator(deps: { keys: KeyStore; clock: Clock }): KeyAuthenticator {
  const byHash = new Map<string, ApiKeyRecord>();
  let seenUpToMs = deps.clock.nowMs() - 60_000;

  const check = (key: ApiKeyRecord): AuthOutcome => {
    if (key.revokedAtMs !== null) return { ok: false, reason: 'revoked' };
    if (key.expiresAtMs !== null && key.expiresAtMs <= deps.clock.nowMs()) return { ok: false, reason: 'expired' };
    return { ok: true, key };
  };

  const authenticateHash = async (hash: string): Promise<AuthOutcome> => {
    const cached = byHash.get(hash);
    if (cached) return check(cached);
    const found = await deps.keys.findByHash(hash);
    if (!found) return { ok: false, reason: 'unknown' };
    byHash.set(hash, found);
    return check(found);
  };

  return {
    authenticate: async (rawKey) => (rawKey ? authenticateHash(hashApiKey(rawKey)) : { ok: false, reason: 'missing' }),
    authenticateHash,
    async refresh() {
      // Re-read a short window: a change committed late may carry a timestamp just before the last one seen.
      const changed = await deps.keys.changedSince(seenUpToMs - 2_000);
      for (const { hash, ...key } of changed) {
        if (byHash.has(hash)) byHash.set(hash, key);
        if (key.updatedAtMs > seenUpToMs) seenUpToMs = key.updatedAtMs;
      }
    },
    forget(keyId) {
      for (const [hash, key] of byHash) if (key.id === keyId || key.parentKeyId === keyId) byHash.delete(hash);
    },
  };
}
