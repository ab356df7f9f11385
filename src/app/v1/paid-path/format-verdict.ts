// Settle's format verdict: the answer judged against the format its request asked for (tools, tool_choice, a JSON
// response format), with the buyer's schemas compiled by the one ajv helper (already accepted at admission, so
// cached). Completions (`/v1/completions`) ask for no format.
import {
  formatContract,
  judgeAnswer,
  type FormatAnswer,
  type FormatOutcome,
} from '../../../domain/formats/format-judge.ts';
import { compileJsonSchema } from '../json-schemas.ts';
import type { CompletionInput } from './paid-request.ts';

/** Told of each judged answer: the host's scorecard, routing and metrics. */
export type FormatRecorder = { record(modelId: string, hostId: string, outcome: FormatOutcome): void };

export function judgeFormat(input: CompletionInput, answer: FormatAnswer): FormatOutcome | undefined {
  if (input.kind !== 'chat') return undefined;
  const contract = formatContract(input.body, (schema) => {
    const compiled = compileJsonSchema(schema);
    return compiled.ok ? compiled.validate : undefined;
  });
  return judgeAnswer(contract, answer);
}
