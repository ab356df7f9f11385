// Reading a host's choice objects: the token ids it generated (where its engine reports them), its text, and the
// logprobs the buyer did not ask for removed.
import type { EngineCapabilities } from '../../domain/engines/engine-capabilities.ts';

type Choice = Record<string, unknown>;

export function completionTokenIds(kind: 'chat' | 'text', capabilities: EngineCapabilities, choice: Choice): number[] | undefined {
  const logprobs = choice.logprobs as { content?: Array<{ id?: unknown }>; token_ids?: unknown } | null | undefined;
  if (kind === 'chat' && capabilities.tokenIdsInChatLogprobs) {
    const ids = (logprobs?.content ?? []).map((e) => e.id);
    return ids.every((id) => Number.isInteger(id)) ? (ids as number[]) : undefined;
  }
  if (kind === 'text' && capabilities.tokenIdsInCompletionLogprobs) {
    const ids = logprobs?.token_ids ?? [];
    return Array.isArray(ids) && ids.every((id) => Number.isInteger(id)) ? (ids as number[]) : undefined;
  }
  return undefined;
}

export function completionText(kind: 'chat' | 'text', choice: Choice): string {
  if (kind === 'text') return typeof choice.text === 'string' ? choice.text : '';
  const part = (choice.message ?? choice.delta) as { content?: unknown } | undefined;
  return typeof part?.content === 'string' ? part.content : '';
}

/** Whether a stream event carries output (a token, a finish or the usage), unlike a bare role chunk. */
export function carriesOutput(event: unknown): boolean {
  const { choices, usage } = event as { choices?: Choice[]; usage?: unknown };
  const choice = choices?.[0];
  if (usage) return true;
  if (!choice) return false;
  if (choice.finish_reason !== null && choice.finish_reason !== undefined) return true;
  return completionText('chat', choice) !== '' || completionText('text', choice) !== '';
}

export function shapeChoiceLogprobs(choice: Choice, buyerAskedForLogprobs: boolean): Choice {
  return buyerAskedForLogprobs ? choice : { ...choice, logprobs: null };
}
