// Step 3 of the paid path, relay (a JSON answer): the host's body with the market's id, model and usage, its
// choices those asked for (n), their logprobs cut to what the buyer asked for. It leaves once its capture is durable: what the market answers, it
// has charged.
import type { Winner } from '../host-race.ts';
import { reportsTokenIds, shapeChoiceLogprobs } from '../upstream-output.ts';
import type { Admitted } from './admit.ts';
import { AnswerTally } from './answer-tally.ts';
import {
  answeredChoices,
  completionTokensOf,
  countCompletion,
  responseIdOf,
  usageBlock,
  type CountDeps,
} from './answer-parts.ts';
import { buyerTopLogprobs, type CompletionInput } from './paid-request.ts';
import { notRecorded, type Settlement } from './settle.ts';

export async function relayJson(
  deps: CountDeps,
  input: CompletionInput,
  admitted: Admitted,
  settlement: Settlement,
  winner: Winner & { answer: { kind: 'json' } },
): Promise<object> {
  const { route, answer } = winner;
  const tally = AnswerTally.of(answer.answer, reportsTokenIds(input.kind, route.capabilities), admitted.choiceCount);
  const count = countCompletion(deps, { input, admitted, route }, tally);
  winner.attempt.finish('ok', completionTokensOf(count));
  winner.end(false);
  const { usage, cost, recorded } = settlement.answered(winner, {
    receipt: answer.receipt,
    choices: answeredChoices(tally, count),
  });
  if ((await recorded) === 'abandoned') throw notRecorded();
  const buyerTop = buyerTopLogprobs(input);
  return {
    ...answer.body,
    id: responseIdOf(input),
    model: admitted.model.id,
    choices: (answer.body.choices ?? [])
      .filter((_, i) => tally.asked(answer.answer.choices[i]?.index ?? 0))
      .map((c) => shapeChoiceLogprobs(c, buyerTop)),
    usage: usageBlock(input, usage, cost),
  };
}
