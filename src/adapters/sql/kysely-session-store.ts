// Console sessions in the database, so every gateway instance sees a sign-in and a sign-out at once.
import type { Kysely } from 'kysely';
import type { SessionStore } from '../../app/auth/console-sessions.ts';
import type { Schema } from './schema.ts';

export function createKyselySessionStore(db: Kysely<Schema>): SessionStore {
  return {
    async createSession(tokenHash, session) {
      await db
        .insertInto('console_sessions')
        .values({
          token_hash: tokenHash,
          role: session.role,
          credential_hash: session.credentialHash,
          csrf_token: session.csrfToken,
          expires_at: new Date(session.expiresAtMs),
        })
        .execute();
    },
    async findSession(tokenHash) {
      const row = await db
        .selectFrom('console_sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return (
        row && {
          role: row.role,
          credentialHash: row.credential_hash,
          csrfToken: row.csrf_token,
          expiresAtMs: row.expires_at.getTime(),
        }
      );
    },
    async deleteSession(tokenHash) {
      await db.deleteFrom('console_sessions').where('token_hash', '=', tokenHash).execute();
    },
    async deleteExpiredSessions(nowMs) {
      await db.deleteFrom('console_sessions').where('expires_at', '<=', new Date(nowMs)).execute();
    },
  };
}
