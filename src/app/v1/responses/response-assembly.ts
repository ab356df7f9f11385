// A response built from a chat answer, and the typed events that tell a stream how it grew. Chat deltas (a stream's
// chunks, or a JSON answer's whole message as one delta) open and fill output items — an assistant message, one
// function call per tool call — one at a time; the end closes the open one and completes the response with its usage.
// Every event carries the next `sequence_number`; item snapshots are copies, so later growth never rewrites them.
import type { ResponseCreateRequest } from '../../../contracts/openai/responses-request.ts';
import type {
  ResponseObject,
  ResponseOutputItem,
  ResponseStreamEvent,
  ResponseUsage,
} from '../../../contracts/openai/responses-response.ts';

/** One choice of a chat answer as its delta: the text it adds, the tool-call fragments, the finish when it ends. */
export type ChatDelta = {
  content?: string | null | undefined;
  tool_calls?: ReadonlyArray<{
    index: number;
    id?: string | undefined;
    function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
  }>;
  finish_reason?: string | null | undefined;
};

/** The chat path's usage block (the token classes when the engine or the market reports them). */
export type ChatUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number | undefined } | null | undefined;
  completion_tokens_details?: { reasoning_tokens?: number | undefined } | null | undefined;
};

type Event = ResponseStreamEvent;
type Message = Extract<ResponseOutputItem, { type: 'message' }>;
type FunctionCall = Extract<ResponseOutputItem, { type: 'function_call' }>;
type OpenItem = { index: number } & ({ item: Message } | { item: FunctionCall; chatIndex: number });

/** The response before any output: what the request asked for, echoed as OpenAI echoes it. */
export function responseShell(
  request: ResponseCreateRequest,
  fields: { id: string; createdAtMs: number; model: string },
): ResponseObject {
  return {
    id: fields.id,
    object: 'response',
    created_at: Math.floor(fields.createdAtMs / 1000),
    completed_at: null,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    model: fields.model,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    store: request.store ?? false,
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    text: { format: request.text?.format ?? { type: 'text' } },
    truncation: 'disabled',
    metadata: request.metadata ?? {},
    usage: null,
    user: request.user ?? null,
  };
}

export const responseUsageOf = (usage: ChatUsage): ResponseUsage => ({
  input_tokens: usage.prompt_tokens,
  input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
  output_tokens: usage.completion_tokens,
  output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
  total_tokens: usage.total_tokens,
});

const INCOMPLETE: Record<string, 'max_output_tokens' | 'content_filter'> = {
  length: 'max_output_tokens',
  content_filter: 'content_filter',
};

export class ResponseAssembly {
  readonly response: ResponseObject;
  private sequence = 0;
  private open: OpenItem | undefined;
  private finishReason: string | null = null;

  /** `itemPrefix` makes item ids (`msg_…`, `fc_…`) unique to this response. */
  constructor(
    shell: ResponseObject,
    private readonly itemPrefix: string,
  ) {
    this.response = shell;
  }

  private event<E extends Omit<Event, 'sequence_number'>>(event: E): E & { sequence_number: number } {
    return { ...event, sequence_number: this.sequence++ };
  }

  private snapshot = (): ResponseObject => structuredClone(this.response);

  /** `response.created` and `response.in_progress`: the stream's first events. */
  start(): Event[] {
    return [
      this.event({ type: 'response.created', response: this.snapshot() }),
      this.event({ type: 'response.in_progress', response: this.snapshot() }),
    ];
  }

  /** The events for one chat delta. */
  add(delta: ChatDelta): Event[] {
    const events: Event[] = [];
    if (delta.content) events.push(...this.addText(delta.content));
    for (const fragment of delta.tool_calls ?? []) events.push(...this.addCallFragment(fragment));
    if (delta.finish_reason) this.finishReason = delta.finish_reason;
    return events;
  }

  private opened(item: ResponseOutputItem): Event[] {
    const index = this.response.output.length;
    this.response.output.push(item);
    return [this.event({ type: 'response.output_item.added', output_index: index, item: structuredClone(item) })];
  }

  private addText(text: string): Event[] {
    const events: Event[] = [];
    if (this.open?.item.type !== 'message') {
      events.push(...this.close());
      const index = this.response.output.length;
      const item: Message = {
        type: 'message',
        id: `msg_${this.itemPrefix}_${index}`,
        role: 'assistant',
        status: 'in_progress',
        content: [],
      };
      this.open = { index, item };
      events.push(...this.opened(item));
      item.content.push({ type: 'output_text', text: '', annotations: [], logprobs: [] });
      events.push(
        this.event({
          type: 'response.content_part.added',
          item_id: item.id,
          output_index: index,
          content_index: 0,
          part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
        }),
      );
    }
    const { index, item } = this.open as OpenItem & { item: Message };
    (item.content[0] as Message['content'][number]).text += text;
    events.push(
      this.event({
        type: 'response.output_text.delta',
        item_id: item.id,
        output_index: index,
        content_index: 0,
        delta: text,
        logprobs: [],
      }),
    );
    return events;
  }

  private addCallFragment(fragment: NonNullable<ChatDelta['tool_calls']>[number]): Event[] {
    const events: Event[] = [];
    const open = this.open;
    if (!open || open.item.type !== 'function_call' || !('chatIndex' in open) || open.chatIndex !== fragment.index) {
      events.push(...this.close());
      const index = this.response.output.length;
      const item: FunctionCall = {
        type: 'function_call',
        id: `fc_${this.itemPrefix}_${index}`,
        call_id: fragment.id ?? `call_${this.itemPrefix}_${index}`,
        name: fragment.function?.name ?? '',
        arguments: '',
        status: 'in_progress',
      };
      this.open = { index, item, chatIndex: fragment.index };
      events.push(...this.opened(item));
    }
    const { index, item } = this.open as OpenItem & { item: FunctionCall };
    const delta = fragment.function?.arguments ?? '';
    if (delta === '') return events;
    item.arguments += delta;
    events.push(
      this.event({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: index, delta }),
    );
    return events;
  }

  /** The events that end the open item, if any: its text or arguments done, then the item itself. */
  private close(): Event[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    const { index, item } = open;
    item.status = this.finishReason !== null && INCOMPLETE[this.finishReason] ? 'incomplete' : 'completed';
    const at = { item_id: item.id, output_index: index };
    const events: Event[] = [];
    if (item.type === 'function_call') {
      const { name, arguments: args } = item;
      events.push(this.event({ type: 'response.function_call_arguments.done', ...at, name, arguments: args }));
    } else {
      const part = structuredClone(item.content[0] as Message['content'][number]);
      events.push(
        this.event({ type: 'response.output_text.done', ...at, content_index: 0, text: part.text, logprobs: [] }),
        this.event({ type: 'response.content_part.done', ...at, content_index: 0, part }),
      );
    }
    events.push(this.event({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) }));
    return events;
  }

  /** The end of a served answer: the open item closed, the usage set, the response completed or incomplete. */
  finish(usage: ChatUsage, completedAtMs: number): Event[] {
    const events = this.close();
    const reason = this.finishReason === null ? undefined : INCOMPLETE[this.finishReason];
    Object.assign(this.response, {
      status: reason ? 'incomplete' : 'completed',
      incomplete_details: reason ? { reason } : null,
      completed_at: Math.floor(completedAtMs / 1000),
      usage: responseUsageOf(usage),
    });
    const type = reason ? 'response.incomplete' : 'response.completed';
    return [...events, this.event({ type, response: this.snapshot() })];
  }

  /** A stream that failed after it began: an `error` event, then the response failed with what it had. */
  fail(error: { code: string | null; message: string; param: string | null }): Event[] {
    Object.assign(this.response, { status: 'failed', error: { code: 'server_error', message: error.message } });
    return [
      this.event({ type: 'error', ...error }),
      this.event({ type: 'response.failed', response: this.snapshot() }),
    ];
  }
}
