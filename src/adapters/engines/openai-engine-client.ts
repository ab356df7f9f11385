// One client for every OpenAI-wire engine (built-in host, llama.cpp server, vLLM, Ollama): undici keep-alive
// pools, JSON or SSE, failures classified by phase so the router knows whether a retry is safe, and the digests of
// the exact bytes sent and received, with the host's signed receipt for them.
import { Agent, type Dispatcher } from 'undici';
import { UpstreamError, type EngineClient } from '../../app/ports.ts';
import { digestOf, sha256Digest, streamingDigest } from '../keys/sha256-digest.ts';
import { exchange, type ExchangeHead } from './engine-exchange.ts';
import {
  parseStreamReceipt,
  RECEIPT_SIGNATURE_HEADER,
  REQUEST_ID_HEADER,
  type ResponseReceipt,
} from '../../contracts/hosts/response-receipt.ts';
import {
  completionKindOf,
  readUpstreamAnswer,
  readUpstreamChunk,
  type CompletionKind,
  type UpstreamEvent,
} from '../../contracts/openai/upstream-completion.ts';

/** The end of the first SSE event in the bytes (its blank line included), or -1 if none is complete yet. */
function eventEnd(bytes: Buffer): number {
  const lf = bytes.indexOf('\n\n');
  const crlf = bytes.indexOf('\r\n\r\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

/**
 * An SSE event's data: the values of its `data:` lines (leading spaces dropped), joined by newlines; '' if none.
 * Read line by line in place, with no array of lines per event: a stream has one event per token.
 */
export function dataOf(event: string): string {
  let data: string | undefined;
  for (let start = 0; start < event.length;) {
    const newline = event.indexOf('\n', start);
    const end = newline < 0 ? event.length : newline;
    if (event.startsWith('data:', start)) {
      const value = event.slice(start + 5, event.charCodeAt(end - 1) === 13 ? end - 1 : end).trimStart();
      data = data === undefined ? value : `${data}\n${value}`;
    }
    start = end + 1;
  }
  return data ?? '';
}

/**
 * Reads SSE events off the raw bytes, hashing every byte up to the end of `data: [DONE]` (what a host's receipt
 * signs), then reads on for the receipt comment. Each chunk is read here, once, into a typed event; a host's error
 * event, or a chunk that is not a completion chunk, ends the stream as the host's failure.
 */
async function* readSseEvents(
  kind: CompletionKind,
  chunks: AsyncIterator<Buffer>,
  onReceipt: (responseDigest: string, signature: string | null) => void,
): AsyncGenerator<UpstreamEvent> {
  const hash = streamingDigest();
  let buffered: Buffer = Buffer.alloc(0);
  let finished = false;
  let signature: string | null = null;
  try {
    for (let next = await nextChunk(chunks); !next.done; next = await nextChunk(chunks)) {
      buffered = buffered.length === 0 ? next.value : Buffer.concat([buffered, next.value]);
      for (let end = eventEnd(buffered); end >= 0; end = eventEnd(buffered)) {
        const bytes = buffered.subarray(0, end);
        buffered = buffered.subarray(end);
        const event = bytes.toString('utf8');
        if (finished) {
          signature = parseStreamReceipt(event)?.signature ?? signature;
          continue;
        }
        hash.update(bytes);
        const data = dataOf(event);
        if (!data) continue;
        if (data === '[DONE]') {
          finished = true;
          continue;
        }
        // Attacker-controlled input (a host's stream): parsed, never trusted beyond the fields we read.
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          throw new UpstreamError('mid_stream', 'the engine sent an event that is not JSON');
        }
        if (parsed && typeof parsed === 'object' && 'error' in parsed)
          throw new UpstreamError('mid_stream', 'the engine reported an error mid-stream', undefined, parsed);
        const read = readChunk(kind, parsed);
        if (read) yield read;
      }
    }
  } finally {
    // A reader that stops early (a hedge's loser, a buyer who left) releases the connection.
    await chunks.return?.();
  }
  if (!finished) throw new UpstreamError('mid_stream', 'the engine closed the stream before [DONE]');
  onReceipt(digestOf(hash), signature);
}

function readChunk(kind: CompletionKind, parsed: unknown): UpstreamEvent | undefined {
  try {
    return readUpstreamChunk(kind, parsed);
  } catch {
    throw new UpstreamError('mid_stream', 'the engine sent an event that is not a completion chunk');
  }
}

/** A connection that breaks is the host's failure like any other: classified, so the router can fail over. */
async function nextChunk(chunks: AsyncIterator<Buffer>): Promise<IteratorResult<Buffer>> {
  try {
    return await chunks.next();
  } catch (error) {
    throw new UpstreamError('mid_stream', `the engine's stream broke: ${(error as Error).message}`);
  }
}

/** A Retry-After header as seconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export function createOpenAiEngineClient(
  options: { dispatcher?: Dispatcher; headersTimeoutMs?: number } = {},
): EngineClient & { close(): Promise<void> } {
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 256, pipelining: 1 });
  return {
    async send(call) {
      const payload = Buffer.from(JSON.stringify(call.body));
      const requestDigest = sha256Digest(payload);
      let response: ExchangeHead;
      try {
        response = await exchange(
          dispatcher,
          {
            url: `${call.baseUrl}${call.path}`,
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: call.stream ? 'text/event-stream' : 'application/json',
              [REQUEST_ID_HEADER]: call.requestId,
              ...(call.bearer ? { authorization: `Bearer ${call.bearer}` } : {}),
            },
            body: payload,
            headersTimeout: options.headersTimeoutMs ?? 60_000,
            bodyTimeout: 120_000,
          },
          call.signal,
        );
      } catch (error) {
        if (call.signal.aborted) throw error;
        const timeout = (error as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT';
        throw new UpstreamError(
          timeout ? 'timeout' : 'connect',
          `the engine could not be reached: ${(error as Error).message}`,
        );
      }
      if (response.statusCode >= 400) {
        const body = await response.body
          .whole()
          .then((bytes): unknown => JSON.parse(bytes.toString('utf8')))
          .catch(() => undefined);
        throw new UpstreamError(
          'status',
          `the engine answered ${response.statusCode}`,
          response.statusCode,
          body,
          retryAfterSeconds(response.headers['retry-after']),
        );
      }
      if (!call.stream) {
        // An answer that cannot be read is the host's failure before anything reached the buyer: another may serve.
        let bytes: Buffer;
        let read: ReturnType<typeof readUpstreamAnswer>;
        try {
          bytes = await response.body.whole();
          read = readUpstreamAnswer(completionKindOf(call.path), JSON.parse(bytes.toString('utf8')));
        } catch (error) {
          if (call.signal.aborted) throw error;
          throw new UpstreamError('connect', `the engine's answer could not be read: ${(error as Error).message}`);
        }
        const signature = response.headers[RECEIPT_SIGNATURE_HEADER];
        return {
          kind: 'json',
          ...read,
          receipt: {
            requestDigest,
            responseDigest: sha256Digest(bytes),
            signature: typeof signature === 'string' ? signature : null,
          },
        };
      }
      let receipt: ResponseReceipt | undefined;
      const events = readSseEvents(completionKindOf(call.path), response.body.chunks(), (responseDigest, signature) => {
        receipt = { requestDigest, responseDigest, signature };
      });
      return { kind: 'stream', events, receipt: () => receipt };
    },
    close: () => dispatcher.close(),
  };
}
