// Conversations keep their host (its KV cache) across turns: requests that share a conversation's opening share a
// key, which the router maps to the host that served it last.
import type { CompletionInput } from './paid-request.ts';

/** The key is everything up to the first user turn (for a text completion, the prompt's first 2 KiB). */
export function affinityKey(input: CompletionInput, modelId: string): string {
  const prefix =
    input.kind === 'chat'
      ? input.body.messages.slice(0, input.body.messages.findIndex((m) => m.role === 'user') + 1)
      : String(input.body.prompt).slice(0, 2048);
  return fnv1a(`${modelId}\n${JSON.stringify(prefix)}`);
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(36);
}
