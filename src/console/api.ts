// The console's calls: the market's own API, through the session cookie. State-changing calls carry the session's
// CSRF token; errors arrive in the API's envelope and become one readable message.
let csrfToken = '';

export const rememberCsrfToken = (token: string): void => {
  csrfToken = token;
};

export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function send(
  path: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'x-csrf-token': csrfToken }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.ok) return response;
  const failure = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  throw new ApiFailure(failure?.error?.message ?? `${response.status} ${response.statusText}`, response.status);
}

export const get = async <T>(path: string): Promise<T> => (await send(path, 'GET', undefined)).json() as Promise<T>;
export const post = async <T>(path: string, body: unknown = {}, headers: Record<string, string> = {}): Promise<T> =>
  (await send(path, 'POST', body, headers)).json() as Promise<T>;
/** A DELETE: its answer may have no body (204), so none is read. */
export const remove = async (path: string): Promise<void> => {
  await send(path, 'DELETE', undefined);
};

/** A streamed chat completion: yields each piece of text as the host produces it. */
export async function* streamChat(body: Record<string, unknown>, signal: AbortSignal): AsyncGenerator<string> {
  const response = await fetch('/v1/chat/completions', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
    body: JSON.stringify({ ...body, stream: true }),
    signal,
  });
  if (!response.ok || !response.body) {
    const failure = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
    throw new ApiFailure(failure?.error?.message ?? `${response.status} ${response.statusText}`, response.status);
  }
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
      const chunk = JSON.parse(data) as {
        choices?: Array<{ delta?: { content?: string } }>;
        error?: { message?: string };
      };
      if (chunk.error) throw new ApiFailure(chunk.error.message ?? 'the stream failed', 502);
      const text = chunk.choices?.[0]?.delta?.content;
      if (text) yield text;
    }
  }
}
