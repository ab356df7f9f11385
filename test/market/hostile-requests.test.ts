// Every answer the market writes to a hostile request — including those of Fastify's router and node's HTTP parser —
// is the OpenAI envelope {error:{message,type,param,code}} with a fitting status, never a framework's default body.
// The requests go over a raw TCP socket: no HTTP client would send them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRawResponse, rawExchange, type RawResponse } from '../support/raw-http.ts';
import { fundedBuyer, startTestMarket, type TestMarket } from '../support/test-market.ts';

let market: TestMarket;
beforeAll(async () => {
  market = await startTestMarket({ builtinHosts: 0 });
});
afterAll(() => market.stop());

const send = async (bytes: string | Buffer): Promise<RawResponse> =>
  parseRawResponse(await rawExchange(market.url, bytes));

function expectEnvelope(response: RawResponse, status: number, code?: string): void {
  expect(response.status, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['x-request-id'], 'x-request-id').toMatch(/^[0-9a-f]{32}$/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error']);
  const error = body.error as Record<string, unknown>;
  expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error.message).toBe('string');
  expect(typeof error.type).toBe('string');
  if (code) expect(error.code).toBe(code);
}

const get = (path: string, headers = 'Host: market\r\n') => `GET ${path} HTTP/1.1\r\n${headers}\r\n`;

describe('hostile requests get the envelope', () => {
  it('answers what the HTTP parser refuses with 400 or 431 in the envelope, and closes the connection', async () => {
    const refused: Array<[string | Buffer, number, string]> = [
      [
        'POST /v1/chat/completions HTTP/1.1\r\nHost: m\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
        400,
        'malformed_request',
      ],
      [get('/v1/models', 'Host: m\r\nNoColonHere\r\n'), 400, 'malformed_request'],
      ['POST /v1/chat/completions HTTP/1.1\r\nHost: m\r\nContent-Length: -1\r\n\r\n', 400, 'malformed_request'],
      [
        'POST /v1/completions HTTP/1.1\r\nHost: m\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
        400,
        'malformed_request',
      ],
      [
        'POST /v1/completions HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n',
        400,
        'malformed_request',
      ],
      [get('/v1/models', `Host: m\r\nX-Padding: ${'a'.repeat(20_000)}\r\n`), 431, 'headers_too_large'],
      [Buffer.from(get('/v1/é'), 'utf8'), 400, 'malformed_request'],
      ['FOO /v1/models HTTP/1.1\r\nHost: m\r\n\r\n', 400, 'unknown_method'],
      ['GET /v1/models HTTP/9.9\r\nHost: m\r\n\r\n', 400, 'malformed_request'],
      ['not http at all\r\n\r\n', 400, 'unknown_method'],
    ];
    for (const [bytes, status, code] of refused) {
      const response = await send(bytes);
      expectEnvelope(response, status, code);
      expect(response.headers.connection).toBe('close');
    }
  });

  it('answers a URL that does not decode with 400 and an over-long path segment with 414', async () => {
    expectEnvelope(await send(get('/v1/models/%zz')), 400, 'invalid_url');
    expectEnvelope(await send(get(`/v1/models/${'a'.repeat(300)}`)), 414, 'url_too_long');
  });

  it('answers an unknown path with 404, and a known path asked with another method with 405 and Allow', async () => {
    expectEnvelope(await send(get('/v1/nothing-here')), 404, 'unknown_route');
    expectEnvelope(await send(get('/v1/%C3%A9')), 404, 'unknown_route');
    const wrongMethod = await send('DELETE /v1/models HTTP/1.1\r\nHost: m\r\n\r\n');
    expectEnvelope(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.allow).toBe('GET, HEAD');
    const webdav = await send('PROPFIND /v1/models/some-model HTTP/1.1\r\nHost: m\r\n\r\n');
    expectEnvelope(webdav, 405, 'method_not_allowed');
    expect(webdav.headers.allow).toBe('GET, HEAD');
    expect((await send('POST /console/session HTTP/1.1\r\nHost: m\r\nContent-Length: 0\r\n\r\n')).status).not.toBe(405);
  });

  it('answers CONNECT, a missing or doubled Host and an unknown Expect in the envelope, where node alone answers with no body', async () => {
    expectEnvelope(
      await send('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
      405,
      'method_not_allowed',
    );
    expectEnvelope(await send('GET /v1/models HTTP/1.1\r\n\r\n'), 400, 'missing_host');
    expectEnvelope(await send(get('/v1/models', 'Host: m\r\nHost: elsewhere\r\n')), 400, 'duplicate_host');
    expectEnvelope(await send(get('/v1/models', 'Host: m\r\nExpect: teapot\r\n')), 417, 'expectation_failed');
    // HTTP/1.0 needs no Host.
    expect((await send('GET /v1/models HTTP/1.0\r\n\r\n')).status).toBe(200);
  });

  it('answers a client that half-closes after its request, though the answer waits on a database read', async () => {
    // node:http alone ends such a connection at the client's FIN and drops the answer still being computed; every
    // exchange here half-closes, so a route slower than the FIN (a usage page, /status rebuilding its report) came
    // back empty.
    const { key } = await fundedBuyer(market, '1');
    const usage = await send(get('/v1/usage', `Host: m\r\nAuthorization: Bearer ${key}\r\n`));
    expect(usage.status, usage.body).toBe(200);
    expect(JSON.parse(usage.body)).toMatchObject({ object: 'list', data: [] });
  });

  it('answers random request lines, headers and paths with an answer that is either a success or the envelope', async () => {
    const token = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz-_!#'.split('')),
      minLength: 1,
      maxLength: 12,
    });
    // HEAD answers carry no body to check.
    const method = fc
      .oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'TRACE'), token)
      .filter((m) => m !== 'HEAD');
    const path = fc.tuple(
      fc.constantFrom('/', '/v1/', '/v1/models/', '/admin/', '/hosts/', '/console/assets/', '/status', ''),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    const header = fc.tuple(
      fc.oneof(
        token,
        fc.constantFrom('Content-Length', 'Transfer-Encoding', 'Content-Type', 'Expect', 'Cookie', 'Authorization'),
      ),
      fc.string({ unit: 'binary', maxLength: 60 }),
    );
    const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1');
    await fc.assert(
      fc.asyncProperty(
        method,
        path,
        version,
        fc.array(header, { maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 80 }),
        async (m, [prefix, rest], v, headers, body) => {
          const head = [
            `${m} ${prefix}${rest} ${v}`,
            'Host: m',
            ...headers.map(([name, value]) => `${name}: ${value}`),
          ].join('\r\n');
          const response = await send(Buffer.from(`${head}\r\n\r\n${body}`, 'utf8'));
          expect(response.body).not.toContain('"statusCode"');
          if (response.status >= 400) expectEnvelope(response, response.status);
          else expect(response.status).toBeGreaterThanOrEqual(200);
        },
      ),
      { numRuns: 100 },
    );
  });
});
