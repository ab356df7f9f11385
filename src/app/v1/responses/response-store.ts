// Responses kept because the buyer asked (`store: true`): per account, each with the whole conversation it answered
// (the earlier turns it continued and its own input) so that `previous_response_id` continues it in one read.
import type { ResponseInputItem } from '../../../contracts/openai/responses-request.ts';
import type { ResponseObject } from '../../../contracts/openai/responses-response.ts';

export type StoredResponse = {
  id: string;
  accountId: string;
  /** the key that created it (a sub-key's responses are still the account's) */
  keyId: string;
  createdAtMs: number;
  /** every input item of the conversation up to this response, without its `instructions` */
  input: ResponseInputItem[];
  response: ResponseObject;
};

export type ResponseStore = {
  saveResponse(stored: StoredResponse): Promise<void>;
  /** the account's response with this id; another account's is as absent as one that never existed */
  findResponse(accountId: string, id: string): Promise<StoredResponse | undefined>;
  /** whether the account had a response with this id (now deleted) */
  deleteResponse(accountId: string, id: string): Promise<boolean>;
};
