// The paid request path, in named steps (paid-path/): admit (the key's scope, the prompt metered, the price locked,
// the worst case held, a slot in the model's queue), route and forward (to a host, retrying another before the
// first byte), relay (the stream or the JSON answer as it comes, the completion counted by the market), and settle
// (the actual cost captured and the rest released, once, whatever ended the request).
import { admit, type AdmitDeps } from './paid-path/admit.ts';
import { forward, type ForwardDeps } from './paid-path/forward.ts';
import type { CompletionInput, Served } from './paid-path/paid-request.ts';
import { relayJson } from './paid-path/relay-json.ts';
import { relayStream, type RelayDeps } from './paid-path/relay-stream.ts';
import { openSettlement, type SettleDeps } from './paid-path/settle.ts';

export type { CompletionInput, Served } from './paid-path/paid-request.ts';
export { wireOf } from './paid-path/paid-request.ts';

export type ServeCompletionDeps = AdmitDeps & ForwardDeps & RelayDeps & SettleDeps;

export async function serveCompletion(deps: ServeCompletionDeps, input: CompletionInput): Promise<Served> {
  const admitted = await admit(deps, input);
  const settlement = openSettlement(deps, input, admitted);
  const winner = await forward(deps, input, admitted, settlement);
  const { answer } = winner;
  if (answer.kind === 'stream')
    return { kind: 'stream', events: relayStream(deps, input, admitted, settlement, { ...winner, answer }) };
  return { kind: 'json', body: await relayJson(deps, input, admitted, settlement, { ...winner, answer }) };
}
