// Reading a host's typed events (parsed by the engine client, contracts/openai/upstream-completion.ts) as the paid
// path needs them: whether an event carries output yet, whether its engine's token ids are to be read, and its
// choices' logprobs shaped to what the buyer asked for.
import type { CompletionKind, UpstreamChoiceWire, UpstreamEvent } from '../../contracts/openai/upstream-completion.ts';
import type { EngineCapabilities } from '../../domain/engines/engine-capabilities.ts';

/** Whether a stream event carries output (a token, reasoning, a tool call, a finish or the usage), unlike a bare role chunk. */
export function carriesOutput(event: UpstreamEvent): boolean {
  return (
    event.type !== 'choices' ||
    event.outputs.some(
      (o) => o.text !== '' || o.reasoning !== undefined || o.toolCalls !== undefined || o.finishReason !== null,
    )
  );
}

/** Whether the host's engine is known to report token ids in its logprobs for this kind of completion. */
export function reportsTokenIds(kind: CompletionKind, capabilities: EngineCapabilities): boolean {
  return kind === 'chat' ? capabilities.tokenIdsInChatLogprobs : capabilities.tokenIdsInCompletionLogprobs;
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
