// A host's receipt for one answer: the SHA-256 of the request bytes it received and of the response bytes it sent,
// bound to the market's request id and signed with its host key, so a host cannot later deny what it answered.
// A JSON answer carries the receipt in headers; a stream carries it in an SSE comment after `data: [DONE]`, which
// SSE clients ignore. The response digest covers every byte before that comment.

/** The market's id for the request, sent with every forwarded request (hedge copies share it). */
export const REQUEST_ID_HEADER = 'x-agora-request-id';
export const RESPONSE_DIGEST_HEADER = 'x-agora-response-digest';
export const RECEIPT_SIGNATURE_HEADER = 'x-agora-receipt-signature';
/** `: agora-receipt <response digest> <signature>` and a blank line, the last bytes of a signed stream. */
export const STREAM_RECEIPT_PREFIX = ': agora-receipt ';

export type ResponseReceipt = { requestDigest: string; responseDigest: string; signature: string | null };

/** The exact text a host signs. Digests are `sha256:<hex>`. */
export function receiptMessage(requestId: string, requestDigest: string, responseDigest: string): string {
  return `agora-receipt:v1:${requestId}:${requestDigest}:${responseDigest}`;
}

export function streamReceiptTrailer(responseDigest: string, signature: string): string {
  return `${STREAM_RECEIPT_PREFIX}${responseDigest} ${signature}\n\n`;
}

/** The digest and signature of a stream's receipt comment, or undefined when the text is not one. */
export function parseStreamReceipt(event: string): { responseDigest: string; signature: string } | undefined {
  if (!event.startsWith(STREAM_RECEIPT_PREFIX)) return undefined;
  const [responseDigest, signature, ...rest] = event.slice(STREAM_RECEIPT_PREFIX.length).trim().split(' ');
  if (!responseDigest?.startsWith('sha256:') || !signature || rest.length > 0) return undefined;
  return { responseDigest, signature };
}
