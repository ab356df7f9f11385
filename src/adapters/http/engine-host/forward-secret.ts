// A host agent's forward secret: /v1 requests without it are refused, so no one but the market uses the host.
import type { FastifyInstance } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../../contracts/openai/error-envelope.ts';

export function requireForwardSecret(app: FastifyInstance, secret: string): void {
  const expected = Buffer.from(`Bearer ${secret}`);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ApiError(
        401,
        'authentication_error',
        'This host serves only the market it registered with.',
        'not_the_market',
      );
    }
  });
}
