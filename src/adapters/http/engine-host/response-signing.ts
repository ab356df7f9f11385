// A host agent signs a receipt for every answer it gives the market: the digest of the request bytes as received
// (kept by the JSON body parser) and of the response bytes as sent. A JSON answer is signed in its headers when it
// is sent; a stream is hashed as it is written and signed in a comment after its last event.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  RECEIPT_SIGNATURE_HEADER,
  receiptMessage,
  REQUEST_ID_HEADER,
  RESPONSE_DIGEST_HEADER,
  streamReceiptTrailer,
} from '../../../contracts/hosts/response-receipt.ts';
import { digestOf, sha256Digest, streamingDigest } from '../../keys/sha256-digest.ts';
import type { StreamSigner } from '../openai/sse-stream.ts';

export type ResponseSigner = { stream(request: FastifyRequest): StreamSigner | undefined };

export function signResponses(app: FastifyInstance, sign: (text: string) => string): ResponseSigner {
  const requestDigests = new WeakMap<FastifyRequest, string>();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    requestDigests.set(request, sha256Digest(body as Buffer));
    parseJson(request, body as unknown as string, done);
  });

  /** Signs a response digest for this request, if the market named it (only the market's requests get receipts). */
  const signerFor = (request: FastifyRequest): ((responseDigest: string) => string) | undefined => {
    const requestId = request.headers[REQUEST_ID_HEADER];
    const requestDigest = requestDigests.get(request);
    if (typeof requestId !== 'string' || requestDigest === undefined) return undefined;
    return (responseDigest) => sign(receiptMessage(requestId, requestDigest, responseDigest));
  };

  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return payload;
    const signDigest = signerFor(request);
    if (!signDigest) return payload;
    const responseDigest = sha256Digest(payload);
    void reply
      .header(RESPONSE_DIGEST_HEADER, responseDigest)
      .header(RECEIPT_SIGNATURE_HEADER, signDigest(responseDigest));
    return payload;
  });

  return {
    stream(request) {
      const signDigest = signerFor(request);
      if (!signDigest) return undefined;
      const hash = streamingDigest();
      return {
        update: (bytes) => void hash.update(bytes),
        trailer: () => {
          const responseDigest = digestOf(hash);
          return streamReceiptTrailer(responseDigest, signDigest(responseDigest));
        },
      };
    },
  };
}
