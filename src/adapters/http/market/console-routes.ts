// The web console: its page and bundle (same origin as the API), and sign-in. Signing in exchanges a key or host
// token for an HttpOnly, SameSite=Strict session cookie and a CSRF token that the page sends back on every
// state-changing request; the console then calls the same routes as any API client, under the same authorization.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signIn, signOut, type ConsoleSession, type ConsoleSessionDeps } from '../../../app/auth/console-sessions.ts';
import { marketError } from '../../../contracts/errors/market-error.ts';
import { consoleRoutes } from '../../../contracts/routes/public-routes.ts';
import { defineRoute, type RouteTable } from './define-route.ts';
import { SESSION_COOKIE } from './route-auth.ts';
import { FAVICON_LINK } from './favicon.ts';
import { isoTime } from './views.ts';

export type ConsoleRouteDeps = { sessions: ConsoleSessionDeps; bundleDir: string };

const ASSET = /^[\w-]+\.(js|css)$/;
const CONTENT_TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

const shell = (bundled: boolean) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agora console</title>
${FAVICON_LINK}
${bundled ? '<link rel="stylesheet" href="/console/assets/console.css">' : ''}
</head>
<body>
<div id="app">${
  bundled
    ? ''
    : '<main style="font-family:system-ui;max-width:40rem;margin:4rem auto"><h1>Agora console</h1><p>The console has not been built. Run <code>npm run build:console</code> (npm ci runs it) and reload this page. The API and the <a href="/status">status page</a> work without it.</p></main>'
}</div>
${bundled ? '<script type="module" src="/console/assets/console.js"></script>' : ''}
</body>
</html>`;

const sessionView = (session: ConsoleSession) => ({
  role: session.role,
  csrf_token: session.csrfToken,
  expires: isoTime(session.expiresAtMs),
});

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  void reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`,
  );
}

/** Sign-in is the one unauthenticated write: refuse it from another site's page (login CSRF). */
const hostOf = (origin: string): string | undefined => {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
};

function refuseForeignOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin !== undefined && hostOf(origin) !== request.headers.host) {
    throw marketError('foreign_origin', 'Sign in from the console of this market.');
  }
}

export function registerConsoleRoutes(table: RouteTable, deps: ConsoleRouteDeps): void {
  defineRoute(table, consoleRoutes.root).handle(async ({ reply }) => reply.redirect('/console'));
  defineRoute(table, consoleRoutes.page).handle(async ({ reply }) => {
    const bundled = await access(join(deps.bundleDir, 'console.js')).then(
      () => true,
      () => false,
    );
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(shell(bundled));
  });
  defineRoute(table, consoleRoutes.asset).handle(async ({ reply, params }) => {
    const match = ASSET.exec(params.file);
    const body = match ? await readFile(join(deps.bundleDir, params.file)).catch(() => undefined) : undefined;
    if (!match || !body) throw marketError('asset_not_found', 'No such console asset; run `npm run build:console`.');
    return reply.type(CONTENT_TYPES[match[1] === 'css' ? 'css' : 'js']).send(body);
  });

  defineRoute(table, consoleRoutes.signIn).handle(
    async ({ request, reply, body }) => {
      const outcome = await signIn(deps.sessions, body.credential);
      if (!outcome.ok) throw marketError('sign_in_failed', outcome.reason, { param: 'credential' });
      setSessionCookie(request, reply, outcome.token, Math.floor(deps.sessions.ttlMs / 1000));
      return sessionView(outcome.session);
    },
    { before: refuseForeignOrigin },
  );
  defineRoute(table, consoleRoutes.session).handle(async ({ caller }) => {
    if (!caller.live) throw marketError('not_signed_in', 'Not signed in.');
    return sessionView(caller.live.session);
  });
  // Sign-out is idempotent: without a live session there is nothing to end, and the cookie is cleared either way.
  defineRoute(table, consoleRoutes.signOut).handle(async ({ request, reply, caller }) => {
    if (caller.live) await signOut(deps.sessions, caller.live.token);
    setSessionCookie(request, reply, '', 0);
    return reply.status(204).send();
  });
}
