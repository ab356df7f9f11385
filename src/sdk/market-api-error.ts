// A refusal from the market as the SDK raises it: the HTTP status and the OpenAI envelope's fields (the codes are
// the error catalog's, docs/errors.md).
import { z } from 'zod';

const envelopeSchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

export class MarketApiError extends Error {
  override readonly name = 'MarketApiError';

  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
    readonly type: string | null,
    readonly param: string | null,
  ) {
    super(message);
  }

  /** The refusal an answer carries; an answer without the envelope keeps its status. */
  static fromAnswer(status: number, body: unknown): MarketApiError {
    const parsed = envelopeSchema.safeParse(body);
    if (!parsed.success) return new MarketApiError(status, `HTTP ${status}`, null, null, null);
    const { message, code, type, param } = parsed.data.error;
    return new MarketApiError(status, message, code, type, param);
  }
}
