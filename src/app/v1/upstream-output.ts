// Reading a host's choice objects: the positions it generated (token ids and top-k, where its engine reports them),
// its text, and the logprobs shaped to what the buyer asked for.
import type { EngineCapabilities } from '../../domain/engines/engine-capabilities.ts';
import type { ClaimedPosition } from '../../domain/verification/response-check.ts';
import type { TokenLogprob } from '../../domain/verification/topk-distance.ts';

type Choice = Record<string, unknown>;

const isId = (value: unknown): value is number => Number.isInteger(value);
const isLogprob = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);
const topOf = (entries: unknown): TokenLogprob[] =>
  Array.isArray(entries)
    ? entries.flatMap((t: { id?: unknown; logprob?: unknown }) =>
        isId(t?.id) && isLogprob(t.logprob) ? [{ id: t.id, logprob: t.logprob }] : [],
      )
    : [];

/**
 * The positions a host generated, where its engine reports token ids: each id with its logprob and the top-k ids it
 * reported (empty where it gave none). Undefined when an id is missing or not an integer.
 */
export function completionPositions(
  kind: 'chat' | 'text',
  capabilities: EngineCapabilities,
  choice: Choice,
): ClaimedPosition[] | undefined {
  const logprobs = choice.logprobs as
    | {
        content?: Array<{ id?: unknown; logprob?: unknown; top_logprobs?: unknown }>;
        token_ids?: unknown;
        token_logprobs?: unknown;
        top_logprobs_ids?: unknown;
      }
    | null
    | undefined;
  if (kind === 'chat' && capabilities.tokenIdsInChatLogprobs) {
    const entries = logprobs?.content ?? [];
    if (!entries.every((e) => isId(e.id))) return undefined;
    return entries.map((e) => ({
      id: e.id as number,
      logprob: isLogprob(e.logprob) ? e.logprob : Number.NaN,
      top: topOf(e.top_logprobs),
    }));
  }
  if (kind === 'text' && capabilities.tokenIdsInCompletionLogprobs) {
    const ids = logprobs?.token_ids ?? [];
    if (!Array.isArray(ids) || !ids.every(isId)) return undefined;
    const lps = Array.isArray(logprobs?.token_logprobs) ? (logprobs.token_logprobs as unknown[]) : [];
    const tops = Array.isArray(logprobs?.top_logprobs_ids) ? (logprobs.top_logprobs_ids as unknown[]) : [];
    return ids.map((id, i) => ({ id, logprob: isLogprob(lps[i]) ? lps[i] : Number.NaN, top: topOf(tops[i]) }));
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

/**
 * The choice as the buyer asked for it: logprobs removed when it did not ask, top lists cut to the depth it asked
 * for (the market asks hosts for more, to verify them).
 */
export function shapeChoiceLogprobs(choice: Choice, buyerTopLogprobs: number | null): Choice {
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
