// The store port for managing API keys: creating them within the account's limit on live keys, listing them with
// their spend, and revoking a key with all its descendants. (Authentication reads keys through ports' KeyStore.)
import type { Nanos } from '../../domain/money/nanos.ts';
import type { ApiKeyRecord, KeyRole } from '../ports.ts';

/** A key as listed: its record and what it captured itself (not its descendants), ever and on one UTC day. */
export type ListedKey = ApiKeyRecord & { spentTotal: Nanos; spentToday: Nanos };

/** A key as it is stored: its record without the fields the database fills in, and the hash of its secret. */
export type NewKey = Omit<ApiKeyRecord, 'revokedAtMs' | 'updatedAtMs'> & { hash: string };

export type KeyAdminStore = {
  /** false (nothing inserted) when the key's account already has `maxLiveKeys` keys not revoked */
  insertKey(key: NewKey, maxLiveKeys: number): Promise<boolean>;
  findKey(id: string): Promise<ApiKeyRecord | undefined>;
  /** with what each key captured, ever and on `day` (a UTC date; 0 without one) */
  listKeys(filter: { accountId?: string; role?: KeyRole; day?: string }): Promise<ListedKey[]>;
  /** revokes the key and all its descendants; returns the ids revoked now */
  revokeKey(id: string): Promise<string[]>;
  replaceOperatorKey(key: NewKey): Promise<void>;
};
