// A buyer's key tree over plain HTTP: sub-keys created through POST /v1/keys, and calls made with any key of it.
export type CreatedKey = { id: string; key: string; prefix: string };

/** Calls the market with a key; the body as JSON when given. */
export async function callWithKey<T = Record<string, unknown>>(
  marketUrl: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${marketUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A sub-key of `parentKey`; fails the test unless it was created. */
export async function createSubKey(
  marketUrl: string,
  parentKey: string,
  body: Record<string, unknown>,
): Promise<CreatedKey> {
  const created = await callWithKey<CreatedKey>(marketUrl, parentKey, 'POST', '/v1/keys', body);
  if (created.status !== 201) throw new Error(`sub-key not created: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body;
}
