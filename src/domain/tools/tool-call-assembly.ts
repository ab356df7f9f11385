// The one reader of the tool calls in a chat answer: a JSON answer's `message.tool_calls` and a stream's
// `delta.tool_calls` fragments (assembled by `index`: the id, name and type come once, the arguments in pieces) read
// the same way, so metering, the buyer's view and the format scorecard agree on what a host called. Hosts are
// attacker-controlled: a fragment out of the wire format marks the answer malformed instead of being guessed at.

/** One call as the host made it; `arguments` is the JSON text as written (whether it parses is for the judge). */
export type AssembledToolCall = { index: number; id: string; name: string; arguments: string };

/** Calls beyond this index are out of the wire format (no engine makes them; a sparse index could exhaust memory). */
export const MAX_TOOL_CALL_INDEX = 127;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export class ToolCallAssembly {
  private readonly byIndex = new Map<number, AssembledToolCall>();
  /** a fragment was not in the OpenAI wire format (not an object, a bad index, a non-string field, another type) */
  malformed = false;

  /** Adds a message's `tool_calls`, or one stream delta's; entries without an `index` take their position. */
  add(toolCalls: unknown): void {
    if (toolCalls == null) return;
    if (!Array.isArray(toolCalls)) {
      this.malformed = true;
      return;
    }
    toolCalls.forEach((entry, position) => this.addEntry(entry, position));
  }

  /** The calls in index order. */
  calls(): AssembledToolCall[] {
    return [...this.byIndex.values()].sort((a, b) => a.index - b.index);
  }

  get size(): number {
    return this.byIndex.size;
  }

  /** The arguments of every call, in order: what the model generated for them (metered as completion tokens). */
  argumentsText(): string {
    return this.calls()
      .map((call) => call.arguments)
      .join('');
  }

  private addEntry(entry: unknown, position: number): void {
    if (!isRecord(entry)) return this.markMalformed();
    const index = entry.index === undefined ? position : entry.index;
    if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index > MAX_TOOL_CALL_INDEX)
      return this.markMalformed();
    const call = this.byIndex.get(index) ?? { index, id: '', name: '', arguments: '' };
    this.byIndex.set(index, call);
    if (entry.type !== undefined && entry.type !== 'function') this.markMalformed();
    if (entry.id !== undefined && entry.id !== null) {
      if (typeof entry.id !== 'string') this.markMalformed();
      else if (call.id === '') call.id = entry.id;
    }
    const fn = entry.function;
    if (fn === undefined) return;
    if (!isRecord(fn)) return this.markMalformed();
    if (fn.name !== undefined && fn.name !== null) {
      if (typeof fn.name !== 'string') this.markMalformed();
      else if (call.name === '') call.name = fn.name;
    }
    if (fn.arguments !== undefined && fn.arguments !== null) {
      if (typeof fn.arguments !== 'string') this.markMalformed();
      else call.arguments += fn.arguments;
    }
  }

  private markMalformed(): void {
    this.malformed = true;
  }
}

/** The calls of a whole message (a JSON answer's `message.tool_calls`). */
export function readToolCalls(toolCalls: unknown): { calls: AssembledToolCall[]; malformed: boolean } {
  const assembly = new ToolCallAssembly();
  assembly.add(toolCalls);
  return { calls: assembly.calls(), malformed: assembly.malformed };
}
