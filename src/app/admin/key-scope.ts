// Which of an account's keys a caller sees and acts on: a root key (parent_key_id null) its whole account, a sub-key
// itself and its descendants only — never its parent, its siblings or the account's other keys. Each key comes with
// what its own and its ancestors' limits still leave it (domain/limits/key-tree-limits.ts).
import { ancestry, effectiveRemaining, type Remaining } from '../../domain/limits/key-tree-limits.ts';
import type { KeyAdminStore, ListedKey } from './key-admin-store.ts';
import type { ApiKeyRecord } from '../ports.ts';
import { utcDay } from '../billing/utc-day.ts';

export type ScopedKey = ListedKey & { remaining: Remaining };

/** Each key with its effective remaining limits, worked out over every key given (pass whole accounts). */
export function withRemaining(keys: readonly ListedKey[]): ScopedKey[] {
  const remaining = effectiveRemaining(
    keys.map((k) => ({
      id: k.id,
      parentKeyId: k.parentKeyId,
      limitTotal: k.spendLimitTotal,
      limitDaily: k.spendLimitDaily,
      spentTotal: k.spentTotal,
      spentToday: k.spentToday,
      leased: 0n,
    })),
  );
  return keys.map((k) => ({ ...k, remaining: remaining.get(k.id) ?? { total: null, daily: null } }));
}

/** True when `keyId` is `rootId` or one of its descendants. */
export function isInSubtree(
  keys: readonly Pick<ApiKeyRecord, 'id' | 'parentKeyId'>[],
  rootId: string,
  keyId: string,
): boolean {
  return ancestry(new Map(keys.map((k) => [k.id, k])), keyId).includes(rootId);
}

/**
 * The account's buyer keys the caller may see, each with its remaining limits, and the caller's own record.
 * `accountKeyIds`: every key of the account, for account-wide sums the caller sees only as a total.
 */
export async function keysInScope(
  store: Pick<KeyAdminStore, 'listKeys'>,
  caller: ApiKeyRecord,
  nowMs: number,
): Promise<{ own: ScopedKey; keys: ScopedKey[]; accountKeyIds: Set<string> }> {
  const all = withRemaining(await store.listKeys({ accountId: caller.accountId, role: 'buyer', day: utcDay(nowMs) }));
  const keys = caller.parentKeyId === null ? all : all.filter((k) => isInSubtree(all, caller.id, k.id));
  const own = keys.find((k) => k.id === caller.id);
  if (!own) throw new Error('KEY_SCOPE_CALLER_MISSING');
  return { own, keys, accountKeyIds: new Set(all.map((k) => k.id)) };
}
