// How the built-in engine streams an answer, the one way its free and grammar-constrained paths both do: the SSE
// stream opens only once the first event is out (a failure before it, such as a full queue, is a plain HTTP error
// the market can retry elsewhere), a client that left stops the generation, and a failure after it ends the stream
// with an error event and no [DONE], so clients know the answer is incomplete. n choices stream one after another.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';
import { openSseStream, type SseStream, type StreamSigner } from '../openai/sse-stream.ts';

export type StreamWriter<E> = {
  event(sse: SseStream, event: E): void;
  /** what goes out after the last event, before [DONE] (the free path's usage chunk) */
  close?(sse: SseStream): void;
};

export async function streamEngineEvents<E>(
  request: FastifyRequest,
  reply: FastifyReply,
  signer: StreamSigner | undefined,
  events: AsyncGenerator<E>,
  writer: StreamWriter<E>,
): Promise<FastifyReply> {
  // A generator that throws is finished: nothing to return when the first event fails.
  let next = await events.next();
  const sse = openSseStream(reply, { 'x-request-id': request.id }, signer);
  try {
    for (; !next.done; next = await events.next()) {
      if (sse.closed) return reply;
      writer.event(sse, next.value);
    }
  } catch (error) {
    request.log.error({ err: error }, 'generation failed mid-stream');
    sse.send(new ApiError(500, 'server_error', 'The engine failed while generating.', 'engine_failed').toBody());
    sse.end();
    return reply;
  } finally {
    await events.return(undefined);
  }
  writer.close?.(sse);
  sse.done();
  sse.end();
  return reply;
}

/** The events of n choices generated one after another (`generate` starts one), each with its choice's index. */
export async function* choiceEvents<S, E>(
  choices: readonly S[],
  generate: (choice: S) => AsyncGenerator<E>,
): AsyncGenerator<{ index: number; event: E }> {
  for (const [index, choice] of choices.entries()) for await (const event of generate(choice)) yield { index, event };
}
