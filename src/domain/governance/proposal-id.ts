// A proposal's id binds its exact payload (Governor's hashProposal): the hash of its canonical content, so a payload
// that differs in any byte has another id, and execution refuses a stored payload whose hash is not its id.
import { createHash } from 'node:crypto';

export type ParameterChangePayload = { parameter: string; value: string };

export type ProposalContent = {
  kind: 'parameter_change';
  payload: ParameterChangePayload;
  proposerAccountId: string;
  createdEpoch: number;
};

/** Canonical bytes: fixed key order, no whitespace (every field is a string or an integer). */
const canonical = (c: ProposalContent): string =>
  JSON.stringify([c.kind, c.payload.parameter, c.payload.value, c.proposerAccountId, c.createdEpoch]);

export const proposalId = (content: ProposalContent): string =>
  `gp_${createHash('sha256').update(canonical(content)).digest('hex').slice(0, 32)}`;

export const bindsPayload = (id: string, content: ProposalContent): boolean => proposalId(content) === id;
