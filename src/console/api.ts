// The console's calls: the market's own API through the SDK (src/sdk), on the session cookie. Every call carries the
// session's CSRF token (the market checks it on state-changing ones); answers are parsed by the contracts' response
// schemas, and refusals arrive as the SDK's MarketApiError with the envelope's message.
import { completionStreamEventSchema } from '../contracts/openai/completion-response.ts';
import { v1Routes } from '../contracts/routes/v1-routes.ts';
import type { ResponseOf, RouteContract } from '../contracts/http/route-contract.ts';
import { MarketApiError } from '../sdk/market-api-error.ts';
import { createMarketClient, sendRequest, type MarketClientOptions } from '../sdk/market-client.ts';

let csrfToken = '';

export const rememberCsrfToken = (token: string): void => {
  csrfToken = token;
};

/** Same origin: the page is served by the market it talks to. */
const options: MarketClientOptions = {
  baseUrl: '',
  headers: (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {}),
};
export const market = createMarketClient(options);

/** What a route answers, by its contract: the console's panels type their data with it. */
export type Answer<C extends RouteContract> = ResponseOf<C>;

/** A streamed chat completion: yields each piece of text as the host produces it. */
export async function* streamChat(body: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<string> {
  const response = await sendRequest(
    { ...options, fetch: (url, init) => fetch(url, { ...init, signal }) },
    v1Routes.createChatCompletion,
    {
      body: { ...body, stream: true },
    },
  );
  if (!response.ok || !response.body)
    throw MarketApiError.fromAnswer(response.status, await response.json().catch(() => undefined));
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += value;
    const events = buffered.split('\n\n');
    buffered = events.pop() ?? '';
    for (const event of events) {
      const data = event
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice(6);
      if (!data || data === '[DONE]') continue;
      const chunk = completionStreamEventSchema.parse(JSON.parse(data));
      if (typeof chunk === 'string') continue;
      if (!('choices' in chunk)) {
        const { message, code, type } = chunk.error;
        throw new MarketApiError(502, message, code, type, null);
      }
      const delta: unknown = chunk.choices[0]?.delta;
      const text = delta && typeof delta === 'object' && 'content' in delta ? delta.content : undefined;
      if (typeof text === 'string' && text) yield text;
    }
  }
}
