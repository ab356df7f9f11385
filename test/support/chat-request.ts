// One chat completion over plain HTTP (status codes and headers visible, unlike the openai client): the built-in
// model and a short user message unless the body says otherwise.
export function postChat(marketUrl: string, key: string, body: object = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${marketUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'agora-tiny', messages: [{ role: 'user', content: 'Hi' }], ...body }),
    signal,
  });
}
