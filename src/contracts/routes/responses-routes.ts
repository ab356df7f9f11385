// The Responses API on /v1 as contracts: create (JSON or typed server-sent events), and the stored responses of the
// caller's account, read and deleted by id.
import { defineContract } from '../http/route-contract.ts';
import { responseCreateRequestSchema } from '../openai/responses-request.ts';
import {
  deletedResponseSchema,
  responseObjectSchema,
  responseStreamEventSchema,
} from '../openai/responses-response.ts';

export const responsesRoutes = {
  createResponse: defineContract({
    method: 'POST',
    url: '/v1/responses',
    auth: 'buyer',
    summary: 'Create a response (OpenAI Responses API, served on the chat path; kept only with `store: true`)',
    body: responseCreateRequestSchema,
    responses: [
      { status: 200, json: responseObjectSchema },
      {
        status: 200,
        contentType: 'text/event-stream',
        description:
          'with `stream: true`: typed events (`event:` names their `type`), from `response.created` to `response.completed`, `response.incomplete` or `response.failed`',
        events: responseStreamEventSchema,
      },
    ],
  }),
  getResponse: defineContract({
    method: 'GET',
    url: '/v1/responses/:id',
    auth: 'buyer',
    summary: "A stored response of the caller's account",
    responses: [{ status: 200, json: responseObjectSchema }],
  }),
  deleteResponse: defineContract({
    method: 'DELETE',
    url: '/v1/responses/:id',
    auth: 'buyer',
    summary: "Delete a stored response of the caller's account",
    responses: [{ status: 200, json: deletedResponseSchema }],
  }),
};
