// Admit, third part: what a buyer hears when the hold for its request's worst case is refused, and how to fit.
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { maxTokensWithin, type LockedPrice } from '../../../domain/ledger/request-cost.ts';
import { formatNanos, type Nanos } from '../../../domain/money/nanos.ts';
import type { HoldRefusal } from '../../billing/spend-budget.ts';

/** The worst case this request was held for, and what it would take to fit what the key's limits leave. */
type HoldContext = { hold: Nanos; price: LockedPrice; promptTokens: number; maxTokens: number };

export function holdRefusal(refused: HoldRefusal, context: HoldContext): ApiError {
  if (refused.reason === 'key_inactive')
    return new ApiError(403, 'permission_error', 'This key is revoked or expired.', 'key_inactive');
  if (refused.reason !== 'spend_limit') {
    const worstCase = `prompt + max_tokens ${context.maxTokens} at the locked price: ${formatNanos(context.hold)}`;
    return new ApiError(
      402,
      'insufficient_quota',
      `The account does not have enough credits for this request's worst case (${worstCase}).`,
      'insufficient_credits',
    );
  }
  const { price, promptTokens, maxTokens } = context;
  const fits = maxTokensWithin(price, promptTokens, refused.remainingNanos);
  const fix =
    fits > 0n
      ? `lower max_tokens to ${fits} or less`
      : 'not even one completion token fits after this prompt: shorten the prompt';
  return new ApiError(
    403,
    'permission_error',
    `This request's worst case (prompt ${promptTokens} tokens + max_tokens ${maxTokens}, at the locked price) is ${formatNanos(context.hold)}, ` +
      `but the key's spend limits (its own and its parent keys', daily and total) leave ${formatNanos(refused.remainingNanos)}. To fit, ${fix}; or ask for a higher limit.`,
    'spend_limit_exceeded',
    'max_tokens',
  );
}
