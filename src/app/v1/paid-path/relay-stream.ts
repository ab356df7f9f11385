// Step 3 of the paid path, relay (a stream): the host's chunks pass to the buyer as they come (with the market's id
// and model, each choice by its index, logprobs cut to what the buyer asked for) while the market gathers its text and token ids to count
// them. At the end the answer is settled, and the usage chunk and `done` leave once its capture is durable. A host
// failing mid-stream ends it in an error event; the buyer hanging up ends it quietly; either way the tokens
// delivered are charged.
import type { UpstreamChoiceWire, UpstreamEvent } from '../../../contracts/openai/upstream-completion.ts';
import { errorEnvelope, marketError } from '../../../contracts/errors/market-error.ts';
import type { Clock } from '../../ports.ts';
import type { FirstAnswer, Winner } from '../host-race.ts';
import { reportsTokenIds, shapeChoiceLogprobs } from '../upstream-output.ts';
import type { Admitted } from './admit.ts';
import { AnswerTally } from './answer-tally.ts';
import {
  answeredChoices,
  completionTokensOf,
  countCompletion,
  responseIdOf,
  usageBlock,
  type CompletionCount,
  type CountDeps,
} from './answer-parts.ts';
import { buyerTopLogprobs, type CompletionInput, type StreamEvent } from './paid-request.ts';
import { notRecorded, type Settlement } from './settle.ts';

export type RelayDeps = CountDeps & { clock: Clock };

type StreamAnswer = Extract<FirstAnswer, { kind: 'stream' }>;

/** The host's events: those the race read before the first token, then the rest as they come. */
async function* upstreamEvents(answer: StreamAnswer): AsyncGenerator<UpstreamEvent, void, undefined> {
  // host-race.ts keeps what it read untyped; they are the engine client's typed events (EngineClient's port).
  for (const event of answer.read as UpstreamEvent[]) yield event;
  if (answer.ended) return;
  const events = answer.events as AsyncGenerator<UpstreamEvent>;
  for (let next = await events.next(); !next.done; next = await events.next()) yield next.value;
}

export async function* relayStream(
  deps: RelayDeps,
  input: CompletionInput,
  admitted: Admitted,
  settlement: Settlement,
  winner: Winner & { answer: StreamAnswer },
): AsyncGenerator<StreamEvent, void, undefined> {
  const { route, answer } = winner;
  const responseId = responseIdOf(input);
  const buyerTop = buyerTopLogprobs(input);
  const tally = new AnswerTally(reportsTokenIds(input.kind, route.capabilities), admitted.choiceCount);
  let count: CompletionCount | undefined;
  let status = 'client_closed';
  const counted = () => (count ??= countCompletion(deps, { input, admitted, route }, tally));
  try {
    const events = upstreamEvents(answer);
    for (;;) {
      // Only the read from the host is the host's failure; the market's own handling of what it read is not.
      let next: IteratorResult<UpstreamEvent, void>;
      try {
        next = await events.next();
      } catch (error) {
        // The buyer hanging up aborts the upstream read too: that is not the host's failure.
        if (input.signal.aborted) return;
        status = 'host_failed_mid_stream';
        deps.logger.warn({ host: route.host.id, err: String(error) }, 'host failed mid-stream');
        const failed = marketError(
          'host_failed_mid_stream',
          'The host failed while streaming; you are billed only for the tokens delivered.',
        );
        yield { type: 'error', wire: errorEnvelope(failed) };
        return;
      }
      if (next.done) break;
      const event = next.value;
      tally.add(event);
      if (event.type === 'usage') continue;
      // only the choices asked for (n) reach the buyer: another is the host's invention
      const asked = event.outputs.flatMap((output, i) => (tally.asked(output.index) ? [i] : []));
      if (asked.length === 0) continue;
      const wire = {
        ...event.wire,
        id: responseId,
        model: admitted.model.id,
        choices: asked.map((i) => shapeChoiceLogprobs(event.wire.choices[i] as UpstreamChoiceWire, buyerTop)),
      };
      const text = asked.map((i) => event.outputs[i]?.text ?? '').join('');
      yield { type: 'delta', text, wire };
    }
    status = 'ok';
    const receipt = answer.receipt();
    const charged = settlement.answered(winner, { receipt, choices: answeredChoices(tally, counted()) });
    // The usage chunk and [DONE] leave once the capture is durable; an abandoned one ends the stream in an error.
    if ((await charged.recorded) === 'abandoned') {
      yield { type: 'error', wire: errorEnvelope(notRecorded()) };
      return;
    }
    if (input.body.stream_options?.include_usage) {
      const usage = usageBlock(input, charged.usage, charged.cost);
      const wire = {
        id: responseId,
        object: input.kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
        created: Math.floor(deps.clock.nowMs() / 1000),
        model: admitted.model.id,
        choices: [],
        usage,
      };
      yield { type: 'usage', usage, wire };
    }
    yield { type: 'done' };
  } finally {
    const outcome = status === 'ok' ? 'ok' : status === 'client_closed' ? 'cancelled' : 'failed';
    winner.attempt.finish(outcome, completionTokensOf(counted()));
    winner.end(status !== 'ok');
    settlement.cut(winner, counted(), status);
    await answer.events.return(undefined);
  }
}
