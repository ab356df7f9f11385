// How tools, tool calls and tool results read in a ChatML prompt (the Hermes/Qwen convention: a `<tools>` block in
// the system turn, `<tool_call>` blocks in assistant turns, results as `tool` turns). The market meters prompts and
// the built-in engine renders them through these same functions, so both count the tokens the engine sees.

export type ToolDefinition = { name: string; description?: string | undefined; parameters?: unknown };

export function toolsPreamble(tools: readonly ToolDefinition[]): string {
  const lines = tools.map((tool) =>
    JSON.stringify({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
    }),
  );
  return (
    '# Tools\n\nYou may call one or more functions to answer. Their signatures:\n<tools>\n' +
    `${lines.join('\n')}\n</tools>\n\n` +
    'For each call, answer with <tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
  );
}

/** What precedes a call's arguments in the assistant turn (the engine forces it; the model writes the arguments). */
export const toolCallPrefix = (name: string): string => `<tool_call>\n{"name": ${JSON.stringify(name)}, "arguments": `;
export const TOOL_CALL_SUFFIX = '}\n</tool_call>';

export const toolCallText = (name: string, args: string): string => `${toolCallPrefix(name)}${args}${TOOL_CALL_SUFFIX}`;
