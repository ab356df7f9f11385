// Reading a host's typed events (parsed by the engine client, contracts/openai/upstream-completion.ts) as the paid
// path needs them: whether an event carries output yet, the host's token ids where its engine is known to report
// them, and its choices' logprobs shaped to what the buyer asked for.
import type { CompletionKind, UpstreamChoiceWire, UpstreamEvent } from '../../contracts/openai/upstream-completion.ts';
import type { EngineCapabilities } from '../../domain/engines/engine-capabilities.ts';
import type { ClaimedPosition } from '../../domain/verification/response-check.ts';

/** Whether a stream event carries output (a token, a finish or the usage), unlike a bare role chunk. */
export function carriesOutput(event: UpstreamEvent): boolean {
  return event.type !== 'delta' || event.text !== '';
}

/**
 * The positions a host generated, where its engine reports token ids: each id with its logprob and the top-k ids it
 * reported. Undefined from an engine that does not report ids, or when an id was missing or not an integer.
 */
export function hostPositions(
  kind: CompletionKind,
  capabilities: EngineCapabilities,
  tokens: ClaimedPosition[] | undefined,
): ClaimedPosition[] | undefined {
  const reportsIds = kind === 'chat' ? capabilities.tokenIdsInChatLogprobs : capabilities.tokenIdsInCompletionLogprobs;
  return reportsIds ? tokens : undefined;
}

/**
 * The choice as the buyer asked for it: logprobs removed when it did not ask, top lists cut to the depth it asked
 * for (the market asks hosts for more, to verify them).
 */
export function shapeChoiceLogprobs(choice: UpstreamChoiceWire, buyerTopLogprobs: number | null): UpstreamChoiceWire {
  if (buyerTopLogprobs === null) return { ...choice, logprobs: null };
  const logprobs = choice.logprobs as Record<string, unknown> | null | undefined;
  if (!logprobs) return choice;
  const cut = (list: unknown) => (Array.isArray(list) ? list.slice(0, buyerTopLogprobs) : list);
  if (Array.isArray(logprobs.content)) {
    return {
      ...choice,
      logprobs: {
        ...logprobs,
        content: logprobs.content.map((e: Record<string, unknown>) => ({ ...e, top_logprobs: cut(e.top_logprobs) })),
      },
    };
  }
  const perToken = (list: unknown, trim: (entry: unknown) => unknown) => (Array.isArray(list) ? list.map(trim) : list);
  return {
    ...choice,
    logprobs: {
      ...logprobs,
      top_logprobs: perToken(logprobs.top_logprobs, (entry) =>
        entry && typeof entry === 'object'
          ? Object.fromEntries(Object.entries(entry).slice(0, buyerTopLogprobs))
          : entry,
      ),
      top_logprobs_ids: perToken(logprobs.top_logprobs_ids, cut),
    },
  };
}
