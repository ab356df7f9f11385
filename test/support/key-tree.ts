// A buyer's key tree: sub-keys created through the SDK (POST /v1/keys), and raw calls made with any key of it (for
// tests that check statuses).
import type { BodyInput, ResponseOf } from '../../src/contracts/http/route-contract.ts';
import { v1Routes } from '../../src/contracts/routes/v1-routes.ts';
import { createMarketClient } from '../../src/sdk/market-client.ts';

export type CreatedKey = ResponseOf<typeof v1Routes.createKey>;

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

/** A sub-key of `parentKey`; a refusal fails the test (the SDK throws it). */
export async function createSubKey(
  marketUrl: string,
  parentKey: string,
  body: BodyInput<typeof v1Routes.createKey>,
): Promise<CreatedKey> {
  return createMarketClient({ baseUrl: marketUrl, token: parentKey }).v1.createKey({ body });
}
