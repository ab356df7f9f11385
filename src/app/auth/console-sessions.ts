// Console sign-in: a buyer or operator API key, or a host token, is exchanged once for a session. The browser keeps
// only the session token (an HttpOnly cookie); the database keeps its hash and the hash of the credential, so every
// request through the session is checked against the credential's current state (a revoked key ends its session).
import { hashApiKey } from '../../domain/keys/api-key.ts';
import type { Clock, Ids } from '../ports.ts';
import type { KeyAuthenticator } from './key-authenticator.ts';

export type SessionRole = 'buyer' | 'operator' | 'host';

export type ConsoleSession = { role: SessionRole; credentialHash: string; csrfToken: string; expiresAtMs: number };

export type SessionStore = {
  createSession(tokenHash: string, session: ConsoleSession): Promise<void>;
  findSession(tokenHash: string): Promise<ConsoleSession | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(nowMs: number): Promise<void>;
};

export type ConsoleSessionDeps = {
  sessions: SessionStore;
  authenticator: KeyAuthenticator;
  /** the host a token hash belongs to */
  hostByTokenHash(tokenHash: string): Promise<string | undefined>;
  clock: Clock;
  ids: Ids;
  ttlMs: number;
};

export const SESSION_TTL_MS = 12 * 3_600_000;

export type SignIn = { ok: true; token: string; session: ConsoleSession } | { ok: false; reason: string };

export async function signIn(deps: ConsoleSessionDeps, credential: string): Promise<SignIn> {
  const credentialHash = hashApiKey(credential);
  const key = await deps.authenticator.authenticate(credential);
  let role: SessionRole | undefined;
  if (key.ok) role = key.key.role;
  else if (key.reason === 'unknown' && (await deps.hostByTokenHash(credentialHash))) role = 'host';
  if (!role)
    return {
      ok: false,
      reason:
        key.ok || key.reason === 'unknown'
          ? 'This is not a key or host token of this market.'
          : `This key is ${key.reason}.`,
    };
  // Two secrets joined: each is 144 random bits, a session token gets 288.
  const token = `${deps.ids.newSecret()}${deps.ids.newSecret()}`;
  const session: ConsoleSession = {
    role,
    credentialHash,
    csrfToken: deps.ids.newSecret(),
    expiresAtMs: deps.clock.nowMs() + deps.ttlMs,
  };
  await deps.sessions.deleteExpiredSessions(deps.clock.nowMs());
  await deps.sessions.createSession(hashApiKey(token), session);
  return { ok: true, token, session };
}

export async function findSession(
  deps: Pick<ConsoleSessionDeps, 'sessions' | 'clock'>,
  token: string,
): Promise<ConsoleSession | undefined> {
  const session = await deps.sessions.findSession(hashApiKey(token));
  return session && session.expiresAtMs > deps.clock.nowMs() ? session : undefined;
}

export async function signOut(deps: Pick<ConsoleSessionDeps, 'sessions'>, token: string): Promise<void> {
  await deps.sessions.deleteSession(hashApiKey(token));
}
