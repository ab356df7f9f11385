// Accounts, credits and keys: what the operator (admin API) and buyers (their own keys and sub-keys) may do.
// Raw keys are returned exactly once, at creation; only their hash is stored.
import { marketError } from '../../contracts/errors/market-error.ts';
import { formatApiKey, hashApiKey, MAX_LIVE_KEYS_PER_ACCOUNT, visiblePrefix } from '../../domain/keys/api-key.ts';
import type { ProviderPreferences } from '../../contracts/openai/provider-preferences.ts';
import type { Nanos } from '../../domain/money/nanos.ts';
import type { AccountStore } from './account-store.ts';
import type { KeyAdminStore, NewKey } from './key-admin-store.ts';
import { isInSubtree } from './key-scope.ts';
import type { ApiKeyRecord, Ids, KeyRole } from '../ports.ts';

export type KeyLimits = {
  name: string;
  models: string[] | null;
  spendLimitTotal: Nanos | null;
  spendLimitDaily: Nanos | null;
  expiresAtMs: number | null;
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
  providerPreferences: ProviderPreferences | null;
  /** for a sub-key: may it create sub-keys of its own (root keys always may) */
  canCreateKeys: boolean;
};

/** A key with no limits of its own (the market's default rate limits still apply). */
export const unlimitedKey = (name: string): KeyLimits => ({
  name,
  models: null,
  spendLimitTotal: null,
  spendLimitDaily: null,
  expiresAtMs: null,
  rateLimitRpm: null,
  rateLimitTpm: null,
  providerPreferences: null,
  canCreateKeys: false,
});

export type IssuedKey = { key: string; record: ApiKeyRecord };

/** `maxLiveKeys`: keys not revoked per account (default MAX_LIVE_KEYS_PER_ACCOUNT) */
export type AccountAdminDeps = {
  store: AccountStore & KeyAdminStore;
  ids: Ids;
  revoked: (keyId: string) => void;
  maxLiveKeys?: number;
};

export async function createAccount(deps: AccountAdminDeps, name: string, id?: string): Promise<string> {
  const accountId = id ?? deps.ids.newId('acct');
  if (await deps.store.accountExists(accountId))
    throw marketError('account_exists', `The account '${accountId}' already exists.`, { param: 'id' });
  await deps.store.createAccount(accountId, name);
  return accountId;
}

export async function grantCredits(
  deps: AccountAdminDeps,
  accountId: string,
  amount: Nanos,
  idempotencyKey: string,
): Promise<{ granted: boolean }> {
  if (amount <= 0n) throw marketError('invalid_amount', 'The amount must be positive.', { param: 'amount' });
  if (!(await deps.store.accountExists(accountId)))
    throw marketError('account_not_found', `No account '${accountId}'.`);
  return { granted: await deps.store.grantCredits(accountId, amount, idempotencyKey) };
}

function newKey(
  deps: Pick<AccountAdminDeps, 'ids'>,
  accountId: string,
  role: KeyRole,
  limits: KeyLimits,
  parentKeyId: string | null,
): { key: string; record: NewKey } {
  const key = formatApiKey(deps.ids.newSecret());
  // A buyer's root key manages its account's keys; a sub-key creates keys only with the right handed on to it.
  const canCreateKeys = role === 'buyer' && (parentKeyId === null || limits.canCreateKeys);
  return {
    key,
    record: {
      ...limits,
      canCreateKeys,
      id: deps.ids.newId('key'),
      accountId,
      parentKeyId,
      prefix: visiblePrefix(key),
      hash: hashApiKey(key),
      role,
    },
  };
}

export async function issueKey(
  deps: AccountAdminDeps,
  accountId: string,
  role: KeyRole,
  limits: KeyLimits,
  parentKeyId: string | null = null,
): Promise<IssuedKey> {
  if (!(await deps.store.accountExists(accountId)))
    throw marketError('account_not_found', `No account '${accountId}'.`);
  const { key, record } = newKey(deps, accountId, role, limits, parentKeyId);
  if (!(await deps.store.insertKey(record, deps.maxLiveKeys ?? MAX_LIVE_KEYS_PER_ACCOUNT))) {
    throw marketError(
      'too_many_keys',
      `The account already has ${deps.maxLiveKeys ?? MAX_LIVE_KEYS_PER_ACCOUNT} keys that are not revoked, the most it may have; revoke some first.`,
    );
  }
  const { hash: _hash, ...visible } = record;
  return { key, record: { ...visible, revokedAtMs: null, updatedAtMs: 0 } };
}

/**
 * A buyer's delegated key for an agent: never more than its parent may do, and created only by a key that holds the
 * right to (`can_create_keys`). Its spend, with its own descendants', also counts against every ancestor's limits
 * (domain/limits/key-tree-limits.ts), so the capped limits below are what it may spend at most, not a fresh budget.
 */
export async function issueSubKey(deps: AccountAdminDeps, parent: ApiKeyRecord, limits: KeyLimits): Promise<IssuedKey> {
  if (!parent.canCreateKeys) {
    throw marketError(
      'key_creation_not_allowed',
      'This key may not create keys: only root keys, and sub-keys created with can_create_keys, may.',
    );
  }
  const models =
    parent.models && limits.models
      ? limits.models.filter((m) => parent.models?.includes(m))
      : (limits.models ?? parent.models);
  if (parent.models && limits.models && models?.length !== limits.models.length) {
    throw marketError('model_not_allowed', 'A sub-key may only allow models its parent key allows.', {
      param: 'models',
    });
  }
  const capped = <T extends Nanos | number>(child: T | null, own: T | null): T | null =>
    own === null ? child : child === null || child > own ? own : child;
  const expiresAtMs =
    parent.expiresAtMs === null ? limits.expiresAtMs : Math.min(parent.expiresAtMs, limits.expiresAtMs ?? Infinity);
  return issueKey(
    deps,
    parent.accountId,
    'buyer',
    {
      ...limits,
      models,
      spendLimitTotal: capped(limits.spendLimitTotal, parent.spendLimitTotal),
      spendLimitDaily: capped(limits.spendLimitDaily, parent.spendLimitDaily),
      rateLimitRpm: capped(limits.rateLimitRpm, parent.rateLimitRpm),
      rateLimitTpm: capped(limits.rateLimitTpm, parent.rateLimitTpm),
      providerPreferences: limits.providerPreferences ?? parent.providerPreferences,
      expiresAtMs,
    },
    parent.id,
  );
}

/**
 * Revokes a key and all its descendants. `by`: the buyer key asking (none: the operator). A root key may revoke any
 * key of its account; a sub-key only itself and its own descendants. Any other key is "not found" to it, as a key it
 * cannot see.
 */
export async function revokeKey(deps: AccountAdminDeps, keyId: string, by?: ApiKeyRecord): Promise<void> {
  const key = await deps.store.findKey(keyId);
  const visible =
    key !== undefined &&
    (by === undefined ||
      (key.accountId === by.accountId &&
        (by.parentKeyId === null ||
          isInSubtree(await deps.store.listKeys({ accountId: by.accountId }), by.id, keyId))));
  if (!visible) throw marketError('key_not_found', `No key '${keyId}'.`);
  for (const id of await deps.store.revokeKey(keyId)) deps.revoked(id);
}

/** A new operator key; every earlier one stops working. Returns the raw key (shown once, like any key). */
export async function resetOperatorKey(deps: Pick<AccountAdminDeps, 'store' | 'ids'>): Promise<string> {
  const { key, record } = newKey(deps, 'market', 'operator', unlimitedKey('operator'), null);
  await deps.store.replaceOperatorKey(record);
  return key;
}
