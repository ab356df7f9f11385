// Which tools the built-in engine calls. The tiny model cannot judge relevance, so it follows a documented,
// deterministic rule (docs/api.md): a named `tool_choice` calls that function; `auto` (the default with tools) calls
// the tools the conversation's last message names when that message is the user's — a tool result or an assistant
// turn last means the calls were made, so it answers in text —; `required` does the same but falls back to the first
// tool when none is named; `none` answers in text. Names count as whole words, in the order the message names them;
// `parallel_tool_calls: false` keeps the first.

export type ToolChoiceInput = {
  toolNames: readonly string[];
  toolChoice: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } } | undefined;
  parallelToolCalls: boolean | undefined;
  /** the last message's role and its text */
  last: { role: string; text: string } | undefined;
};

const NAME_CHAR = /[A-Za-z0-9_-]/;

/** Where a tool's name first appears in the text as a whole word, or -1. */
function mentionAt(text: string, name: string): number {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text[at - 1];
    const after = text[at + name.length];
    if ((before === undefined || !NAME_CHAR.test(before)) && (after === undefined || !NAME_CHAR.test(after))) return at;
  }
  return -1;
}

/** The functions to call, in order; empty: answer in text. */
export function plannedToolCalls(input: ToolChoiceInput): string[] {
  const { toolNames, toolChoice, last } = input;
  if (toolNames.length === 0 || toolChoice === 'none') return [];
  if (typeof toolChoice === 'object') return [toolChoice.function.name];
  const named =
    last?.role === 'user'
      ? toolNames
          .map((name) => ({ name, at: mentionAt(last.text, name) }))
          .filter((m) => m.at !== -1)
          .sort((a, b) => a.at - b.at)
          .map((m) => m.name)
      : [];
  const calls = named.length === 0 && toolChoice === 'required' ? [toolNames[0] as string] : named;
  return input.parallelToolCalls === false ? calls.slice(0, 1) : calls;
}
