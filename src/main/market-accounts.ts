// The accounts every market has from its first start: the operator's key (kept in the data directory, printed once)
// and the demo buyer with its credits and key, so `npm start` prints a key that works at once.
import {
  createAccount,
  grantCredits,
  issueKey,
  unlimitedKey,
  type AccountAdminDeps,
} from '../app/admin/account-admin.ts';
import type { AccountStore } from '../app/admin/account-store.ts';
import { readSecretFile, writeSecretFile } from '../adapters/keys/secret-files.ts';
import type { Nanos } from '../domain/money/nanos.ts';

export async function ensureOperatorKey(
  admin: AccountAdminDeps,
  path: string,
): Promise<{ key: string; isNew: boolean }> {
  const existing = await readSecretFile(path);
  if (existing) return { key: existing, isNew: false };
  // Another key, not a replacement: gateway instances sharing one PostgreSQL each keep their own.
  const { key } = await issueKey(admin, 'market', 'operator', unlimitedKey('operator'));
  await writeSecretFile(path, key);
  return { key, isNew: true };
}

export async function ensureDemoAccount(
  admin: AccountAdminDeps,
  store: Pick<AccountStore, 'accountExists'>,
  path: string,
  credits: Nanos,
): Promise<string> {
  const existing = await readSecretFile(path);
  if (existing) return existing;
  if (!(await store.accountExists('demo'))) await createAccount(admin, 'Demo buyer', 'demo');
  if (credits > 0n) await grantCredits(admin, 'demo', credits, 'demo-credits');
  const issued = await issueKey(admin, 'demo', 'buyer', unlimitedKey('demo'));
  await writeSecretFile(path, issued.key);
  return issued.key;
}
