// What the sandbox's broken engine does to its tool calls: the two faults seen in real serving stacks, a tool
// parser that leaves a chat-template token in front of the arguments (`<tool_call>{"city": …`) and a template that
// renames the function. Applied to a JSON answer's messages and to a stream's deltas alike, on a set share of the
// answers that call tools (the rest pass untouched), so the broken host's failure rate is known in advance.

export type Breakage = 'leaked_token' | 'renamed_function';
const LEAKED_TOKEN = '<tool_call>';
const RENAMED_SUFFIX = '_v2';

/** Whether the n-th tool-calling answer (from 0) is broken, and how: `share` of them, the two faults in turn. */
export function planBreakage(n: number, share: number): Breakage | undefined {
  const before = Math.floor(n * share);
  if (Math.floor((n + 1) * share) === before) return undefined;
  return before % 2 === 0 ? 'leaked_token' : 'renamed_function';
}

type CallPart = { index?: unknown; function?: { name?: unknown; arguments?: unknown } };
type ChoicePart = { index?: unknown; message?: { tool_calls?: unknown }; delta?: { tool_calls?: unknown } };

/**
 * Breaks the tool calls in one JSON answer or one stream chunk, in place. `started` remembers, across a stream's
 * chunks, the calls (by choice and call index) whose arguments already began: only their first piece gets the token.
 */
export function breakToolCalls(body: unknown, breakage: Breakage, started: Set<string>): void {
  const choices = (body as { choices?: unknown }).choices;
  if (!Array.isArray(choices)) return;
  for (const [position, choice] of (choices as ChoicePart[]).entries()) {
    const calls = choice.message?.tool_calls ?? choice.delta?.tool_calls;
    if (!Array.isArray(calls)) continue;
    for (const [callPosition, call] of (calls as CallPart[]).entries()) {
      const fn = call.function;
      if (!fn) continue;
      if (breakage === 'renamed_function' && typeof fn.name === 'string') fn.name += RENAMED_SUFFIX;
      const key = `${String(choice.index ?? position)}:${String(call.index ?? callPosition)}`;
      if (breakage === 'leaked_token' && typeof fn.arguments === 'string' && !started.has(key)) {
        started.add(key);
        fn.arguments = LEAKED_TOKEN + fn.arguments;
      }
    }
  }
}
