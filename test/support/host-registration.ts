// A host registration signed as an agent signs it (tests that probe what the market checks), and sending it.
import { loadOrCreateHostIdentity } from '../../src/adapters/keys/host-identity.ts';
import { tinyModelFiles } from './tiny-engine.ts';

export type SignedRegistration = { public_key: string; payload: string; signature: string };

/** A registration of the built-in SKU at `base_url` (overridable field by field), signed with the identity in `identityFile`. */
export async function signedRegistration(
  identityFile: string,
  overrides: Record<string, unknown> = {},
): Promise<SignedRegistration> {
  const identity = await loadOrCreateHostIdentity(identityFile);
  const files = await tinyModelFiles();
  const payload = JSON.stringify({
    public_key: identity.publicKey,
    name: 'test host',
    base_url: 'http://127.0.0.1:1',
    forward_secret: 'a-forward-secret-long-enough',
    engine: { kind: 'openai-compatible', version: 'test' },
    max_concurrency: 2,
    models: [
      {
        model: 'agora-tiny',
        digest: `sha256:${files.sha256}`,
        quantization: 'f32',
        context_length: 2048,
        ask: { prompt: '0.0000001', completion: '0.0000002' },
      },
    ],
    signed_at: Date.now(),
    ...overrides,
  });
  return { public_key: identity.publicKey, payload, signature: identity.sign(payload) };
}

export async function registerHost(
  marketUrl: string,
  body: object,
): Promise<{ status: number; body: { host_id: string; status: string; error: { code: string; message: string } } }> {
  const res = await fetch(`${marketUrl}/hosts/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { host_id: string; status: string; error: { code: string; message: string } },
  };
}
