// The console and the market's public operational routes as contracts: the console page, its assets and its
// session; the status page and its JSON; liveness, readiness, metrics and this API's own OpenAPI document.
import { z } from 'zod';
import { signInSchema } from '../console/console-requests.ts';
import { consoleSessionSchema, statusSchema } from '../console/status-responses.ts';
import { defineContract } from '../http/route-contract.ts';

const html = { status: 200, contentType: 'text/html', description: 'an HTML page' } as const;

export const consoleRoutes = {
  root: defineContract({
    method: 'GET',
    url: '/',
    auth: 'public',
    summary: 'Redirects to /console',
    responses: [{ status: 302, description: 'to /console' }],
  }),
  page: defineContract({
    method: 'GET',
    url: '/console',
    auth: 'public',
    summary: 'The web console (HTML)',
    responses: [html],
  }),
  asset: defineContract({
    method: 'GET',
    url: '/console/assets/:file',
    auth: 'public',
    summary: "The console's script and style sheet",
    responses: [
      { status: 200, contentType: 'text/javascript', description: 'the bundled script' },
      { status: 200, contentType: 'text/css', description: 'the style sheet' },
    ],
  }),
  signIn: defineContract({
    method: 'POST',
    url: '/console/session',
    auth: 'public',
    summary: 'Sign in to the console with a key or host token: an HttpOnly session cookie and a CSRF token',
    body: signInSchema,
    responses: [{ status: 201, json: consoleSessionSchema }],
  }),
  session: defineContract({
    method: 'GET',
    url: '/console/session',
    auth: 'session',
    summary: 'The console session of the cookie; 401 without a live one',
    responses: [{ status: 200, json: consoleSessionSchema }],
  }),
  signOut: defineContract({
    method: 'DELETE',
    url: '/console/session',
    auth: 'session',
    summary: 'Sign out (x-csrf-token header): 204, also when there is no live session',
    headers: { 'x-csrf-token': "the session's CSRF token, when a session is live" },
    responses: [{ status: 204, description: 'signed out; the cookie is cleared' }],
  }),
} as const;

export const systemRoutes = {
  statusPage: defineContract({
    method: 'GET',
    url: '/status',
    auth: 'public',
    summary: 'The public status page (HTML)',
    responses: [html],
  }),
  status: defineContract({
    method: 'GET',
    url: '/status.json',
    auth: 'public',
    summary:
      'Public status: per model state, hosts online, price, success rate, time to first token, uptime; incidents',
    responses: [{ status: 200, json: statusSchema }],
  }),
  healthz: defineContract({
    method: 'GET',
    url: '/healthz',
    auth: 'public',
    summary: 'Liveness: the process answers',
    responses: [{ status: 200, json: z.object({ status: z.literal('ok') }) }],
  }),
  readyz: defineContract({
    method: 'GET',
    url: '/readyz',
    auth: 'public',
    summary: 'Readiness: the database answers (503 not_ready when it does not)',
    responses: [
      { status: 200, json: z.object({ status: z.literal('ready') }) },
      { status: 503, json: z.object({ status: z.literal('not_ready') }) },
    ],
  }),
  metrics: defineContract({
    method: 'GET',
    url: '/metrics',
    auth: 'public',
    summary: 'Prometheus metrics (text exposition format)',
    responses: [{ status: 200, contentType: 'text/plain', description: 'Prometheus text exposition format 0.0.4' }],
  }),
  openapi: defineContract({
    method: 'GET',
    url: '/openapi.json',
    auth: 'public',
    summary: 'This document',
    responses: [{ status: 200, json: z.object({ openapi: z.string() }).loose() }],
  }),
} as const;
