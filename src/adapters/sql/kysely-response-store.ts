// Stored responses on SQL: one row per response kept with `store: true`, the conversation and the response object
// as JSON; every read and delete is scoped to the caller's account.
import type { Kysely } from 'kysely';
import type { ResponseInputItem } from '../../contracts/openai/responses-request.ts';
import type { ResponseObject } from '../../contracts/openai/responses-response.ts';
import type { ResponseStore } from '../../app/v1/responses/response-store.ts';
import type { Schema } from './schema.ts';

export function createKyselyResponseStore(db: Kysely<Schema>): ResponseStore {
  return {
    async saveResponse(stored) {
      await db
        .insertInto('stored_responses')
        .values({
          id: stored.id,
          account_id: stored.accountId,
          key_id: stored.keyId,
          created_at: new Date(stored.createdAtMs),
          input: JSON.stringify(stored.input),
          response: JSON.stringify(stored.response),
        })
        .execute();
    },
    async findResponse(accountId, id) {
      const row = await db
        .selectFrom('stored_responses')
        .selectAll()
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      // The market wrote both documents itself (saveResponse), from the contracts' types.
      return (
        row && {
          id: row.id,
          accountId: row.account_id,
          keyId: row.key_id,
          createdAtMs: row.created_at.getTime(),
          input: row.input as ResponseInputItem[],
          response: row.response as ResponseObject,
        }
      );
    },
    async deleteResponse(accountId, id) {
      const deleted = await db
        .deleteFrom('stored_responses')
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return deleted.numDeletedRows > 0n;
    },
  };
}
