// The market's error catalog: every coded error an API caller can receive, with the HTTP status and OpenAI envelope
// type each surface answers it with. Use cases throw `marketError(code, …)` and never name a status; the surfaces
// render the envelope from this table; docs/errors.md is generated from it (`npm run docs:errors`).
import type { OpenAiErrorType } from '../openai/error-envelope.ts';

export type ErrorEntry = {
  status: number;
  type: OpenAiErrorType;
  /** one line: what happened and what to do about it */
  description: string;
  /** the request parameter the error usually names, when there is one */
  param?: string;
  /** the `code` on the wire when it is not the catalog key (one wire code, two meanings with different statuses) */
  wire?: string;
};

/** Where an error comes from, for the generated docs: the order of the sections in docs/errors.md. */
export const ERROR_AREAS = {
  request: 'Reading the request',
  auth: 'Keys, tokens and console sessions',
  completions: 'Completions (/v1)',
  accounts: 'Accounts, keys and credits',
  hosts: 'Hosts',
  models: 'Models launched from a manifest',
  money: 'Top-ups, bonds and payouts',
  trust: 'Disputes and appeals',
  status: 'Status and incidents',
  governance: 'Governance: parameters, units and proposals',
  engine: 'Engine host (a host agent answering the market)',
} as const;

const invalid = 'invalid_request_error' as const;
const notFound = 'not_found_error' as const;
const denied = 'permission_error' as const;
const unauthenticated = 'authentication_error' as const;
const unavailable = 'service_unavailable' as const;

export const ERROR_CATALOG = {
  request: {
    invalid_request: { status: 400, type: invalid, description: 'The request is invalid; the message says why.' },
    invalid_body: { status: 400, type: invalid, description: 'The body is not a JSON object (or not JSON); send one.' },
    body_too_deep: { status: 400, type: invalid, description: 'The JSON body nests deeper than the limit.' },
    body_too_large: { status: 413, type: invalid, description: 'The body is larger than the limit.' },
    unknown_parameter: { status: 400, type: invalid, description: 'The body has a field the route does not know.' },
    invalid_value: {
      status: 400,
      type: invalid,
      description: 'A field has a value the route refuses; `param` names it.',
    },
    invalid_amount: { status: 400, type: invalid, description: 'An amount must be positive.', param: 'amount' },
    malformed_request: {
      status: 400,
      type: invalid,
      description: 'Not valid HTTP/1.1 (request line, headers, framing).',
    },
    unknown_method: { status: 400, type: invalid, description: 'The request method is not one HTTP knows.' },
    invalid_url: { status: 400, type: invalid, description: 'The URL is not validly percent-encoded.' },
    url_too_long: { status: 414, type: invalid, description: 'A path segment of the URL is too long.' },
    headers_too_large: { status: 431, type: invalid, description: 'The request headers are too large.' },
    request_timeout: { status: 408, type: invalid, description: 'The request did not arrive in time.' },
    missing_host: { status: 400, type: invalid, description: 'An HTTP/1.1 request must carry a Host header.' },
    duplicate_host: { status: 400, type: invalid, description: 'A request may carry only one Host header.' },
    expectation_failed: {
      status: 417,
      type: invalid,
      description: 'The only Expect this server meets is 100-continue.',
    },
    unknown_route: { status: 404, type: notFound, description: 'No route has this path.' },
    method_not_allowed: {
      status: 405,
      type: invalid,
      description: 'The path exists but not with this method; see Allow.',
    },
    shutting_down: { status: 503, type: unavailable, description: 'The server is shutting down; retry the request.' },
    internal_error: { status: 500, type: 'server_error', description: 'The server failed; the log has the details.' },
  },
  auth: {
    key_missing: { status: 401, type: unauthenticated, description: 'Send "Authorization: Bearer <key>".' },
    key_unknown: { status: 401, type: unauthenticated, description: 'The key is not one the market issued.' },
    key_revoked: { status: 403, type: denied, description: 'The key has been revoked; use another.' },
    key_expired: { status: 403, type: denied, description: 'The key has expired; use another.' },
    wrong_role: { status: 403, type: denied, description: 'The route needs another kind of key (buyer or operator).' },
    host_token_invalid: { status: 401, type: unauthenticated, description: 'The host token is missing or unknown.' },
    session_expired: {
      status: 401,
      type: unauthenticated,
      description: 'The console session has ended; sign in again.',
    },
    csrf_token_invalid: {
      status: 403,
      type: denied,
      description: "A console session's write must echo its CSRF token in x-csrf-token.",
    },
    not_signed_in: { status: 401, type: unauthenticated, description: 'No live console session; sign in.' },
    sign_in_failed: {
      status: 401,
      type: unauthenticated,
      description: 'The key or host token given to sign in is not valid.',
      param: 'credential',
    },
    foreign_origin: { status: 403, type: denied, description: "Sign in from this market's own console page." },
  },
  completions: {
    model_not_found: { status: 404, type: notFound, description: 'No such model in the catalog.', param: 'model' },
    response_not_found: {
      status: 404,
      type: notFound,
      description:
        'No stored response with this id in the account (responses are kept only with `store: true`, until deleted).',
    },
    sku_not_found: {
      status: 404,
      type: notFound,
      description: 'The model is not sold in the quantization asked for.',
      param: 'model',
    },
    model_not_allowed: { status: 403, type: denied, description: 'The key may not use this model.', param: 'model' },
    model_unverified: {
      status: 400,
      type: invalid,
      description:
        'The model has no reference engine (listed as unverified) and the request or key requires verified models.',
      param: 'provider.require_verified',
    },
    no_host_matches_preferences: {
      status: 404,
      type: notFound,
      description: 'No host of the model matches the request’s `provider` preferences.',
      param: 'provider',
    },
    unsupported_parameter: {
      status: 400,
      type: invalid,
      description: 'No host of the model supports a parameter of the request.',
    },
    model_capability_mismatch: {
      status: 400,
      type: invalid,
      description:
        'The model does not serve this endpoint (an embedding model asked for a completion, or a chat model for embeddings); `capabilities` in /v1/models says what each serves.',
      param: 'model',
    },
    invalid_logit_bias: {
      status: 400,
      type: invalid,
      description: "A logit_bias key is not a token id of the model's tokenizer (keys are token ids, not text).",
      param: 'logit_bias',
    },
    unsupported_content: {
      status: 400,
      type: invalid,
      description: 'The model accepts text only; a message has another kind of part.',
    },
    context_length_exceeded: {
      status: 400,
      type: invalid,
      description: "The prompt is longer than the model's context.",
      param: 'messages',
    },
    rejected_by_host: { status: 400, type: invalid, description: 'The host refused the request as invalid.' },
    rejected_by_host_too_large: {
      status: 413,
      type: invalid,
      description: 'The host refused the request as too large.',
      wire: 'rejected_by_host',
    },
    key_inactive: {
      status: 403,
      type: denied,
      description: 'The key was revoked or expired while the request waited.',
    },
    insufficient_credits: {
      status: 402,
      type: 'insufficient_quota',
      description: "The account's credits do not cover the request's worst case; top up or lower max_tokens.",
    },
    spend_limit_exceeded: {
      status: 403,
      type: denied,
      description: "The key's spend limits (or its parents') do not cover the request's worst case.",
      param: 'max_tokens',
    },
    rate_limit_exceeded: {
      status: 429,
      type: 'rate_limit_error',
      description: "The key's requests or tokens per minute are used up; retry after Retry-After.",
    },
    no_host_available: {
      status: 503,
      type: unavailable,
      description: 'No host of the model can serve now; retry shortly. Nothing is charged.',
    },
    hosts_busy: {
      status: 503,
      type: unavailable,
      description: 'Every host of the model is at capacity; retry after Retry-After. Nothing is charged.',
    },
    overloaded: {
      status: 503,
      type: unavailable,
      description: "The gateway's queue for the model is full or the wait too long; retry after Retry-After.",
    },
    billing_unavailable: {
      status: 503,
      type: unavailable,
      description: 'The billing database is unavailable, so nothing was served or charged; retry shortly.',
    },
    host_timeout: {
      status: 504,
      type: 'server_error',
      description: 'The host did not answer in time; nothing charged.',
    },
    host_failed: {
      status: 502,
      type: 'server_error',
      description: 'No host could serve the request; nothing charged.',
    },
    host_failed_mid_stream: {
      status: 502,
      type: 'server_error',
      description: 'The host failed while streaming (a stream error event); only delivered tokens are billed.',
    },
  },
  accounts: {
    account_exists: { status: 409, type: invalid, description: 'An account with this id already exists.', param: 'id' },
    account_not_found: { status: 404, type: notFound, description: 'No such account.' },
    key_not_found: { status: 404, type: notFound, description: 'No such key visible to the caller.' },
    too_many_keys: {
      status: 403,
      type: denied,
      description: 'The account has as many live keys as it may; revoke some.',
    },
    key_creation_not_allowed: {
      status: 403,
      type: denied,
      description: 'This key may not create keys (only root keys and sub-keys made with can_create_keys).',
    },
  },
  hosts: {
    bad_signature: {
      status: 401,
      type: unauthenticated,
      description: 'The registration signature does not verify with its public key.',
      param: 'signature',
    },
    stale_registration: {
      status: 401,
      type: unauthenticated,
      description: 'The registration was signed too long ago (or in the future); sign a fresh one.',
      param: 'payload.signed_at',
    },
    host_not_admitted: { status: 403, type: denied, description: 'No model the host declared passed its admission.' },
    host_not_found: { status: 404, type: notFound, description: 'No such host (or it is no longer registered).' },
    maintenance_refused: {
      status: 409,
      type: invalid,
      description: 'The maintenance window breaks the notice or capacity rules; the message says which.',
    },
    maintenance_not_found: { status: 404, type: notFound, description: 'No such maintenance window of this host.' },
    epoch_not_found: { status: 404, type: notFound, description: 'No such epoch.', param: 'number' },
  },
  money: {
    topup_not_found: { status: 404, type: notFound, description: 'No such top-up.' },
    topup_settled: { status: 409, type: invalid, description: 'The top-up was already confirmed or cancelled.' },
    payout_not_found: { status: 404, type: notFound, description: 'No such payout.' },
    payout_settled: { status: 409, type: invalid, description: 'The payout was already marked paid or failed.' },
    insufficient_payable: {
      status: 402,
      type: invalid,
      description: "The host's payable balance does not cover the bond or payout asked for.",
      param: 'amount',
    },
    insufficient_bond: {
      status: 402,
      type: invalid,
      description: 'The unbonding asked for is more than the bond.',
      param: 'amount',
    },
  },
  trust: {
    request_not_found: {
      status: 404,
      type: notFound,
      description: 'No response with this id was served to the account.',
      param: 'request_id',
    },
    already_disputed: {
      status: 409,
      type: invalid,
      description: 'The response is already disputed.',
      param: 'request_id',
    },
    disputes_revoked: {
      status: 403,
      type: denied,
      description: "The account's disputes were rejected too often; it may no longer dispute.",
    },
    conviction_not_found: {
      status: 404,
      type: notFound,
      description: 'No such conviction of this host.',
      param: 'conviction_id',
    },
    appeal_not_found: { status: 404, type: notFound, description: 'No such open appeal.' },
  },
  status: {
    incident_not_found: { status: 404, type: notFound, description: 'No such incident.' },
    incident_resolved: { status: 409, type: invalid, description: 'The incident was resolved; open a new one.' },
    incident_model_not_found: {
      status: 400,
      type: invalid,
      description: "An incident's models must be models of the catalog.",
      param: 'models',
      wire: 'model_not_found',
    },
    asset_not_found: {
      status: 404,
      type: notFound,
      description: 'No such console asset; run `npm run build:console`.',
    },
  },
  models: {
    model_builtin: {
      status: 409,
      type: invalid,
      description: "The market's built-in model is not launched from a manifest; choose another id.",
      param: 'manifest.id',
    },
    reference_mismatch: {
      status: 400,
      type: invalid,
      description: "The reference weights do not hash to the SKU's digest; the reference must run the SKU exactly.",
      param: 'manifest.reference.weights',
    },
    no_earlier_version: {
      status: 409,
      type: invalid,
      description: 'The model has no earlier version that was live to roll back to.',
    },
  },
  governance: {
    parameter_not_found: { status: 404, type: notFound, description: 'No such market parameter.', param: 'name' },
    parameter_governed: {
      status: 403,
      type: denied,
      description: 'The parameter is owned by governance: only an executed proposal changes it.',
      param: 'name',
    },
    parameter_change_refused: {
      status: 400,
      type: invalid,
      description:
        "The new value breaks the parameter's bounds, maximum step or once-per-epoch rule; the message says which.",
      param: 'value',
    },
    proposal_not_found: { status: 404, type: notFound, description: 'No such proposal.', param: 'id' },
    proposal_limit: {
      status: 409,
      type: invalid,
      description: 'The proposer already has a live proposal; one at a time.',
    },
    no_voting_power: {
      status: 403,
      type: denied,
      description: 'The account held no governance units at the snapshot (or at the last checkpoint, to propose).',
    },
    voting_closed: {
      status: 409,
      type: invalid,
      description: 'The proposal is not open for voting; the message gives its state.',
    },
    payload_mismatch: {
      status: 409,
      type: invalid,
      description: 'The payload is not the one the proposal id binds; nothing else executes.',
      param: 'payload',
    },
    proposal_not_executable: {
      status: 409,
      type: invalid,
      description: 'The proposal is not queued past its timelock; the message gives its state.',
    },
    insufficient_units: {
      status: 402,
      type: invalid,
      description: 'The account holds fewer governance units than the transfer.',
      param: 'units',
    },
  },
  engine: {
    not_the_market: {
      status: 401,
      type: unauthenticated,
      description: 'The engine host answers only the market it registered with.',
    },
    empty_prompt: { status: 400, type: invalid, description: 'The prompt is empty.', param: 'prompt' },
    engine_busy: { status: 503, type: unavailable, description: 'The engine has no free sequence; retry after 1 s.' },
    engine_failed: { status: 500, type: 'server_error', description: 'The engine failed while generating.' },
    engine_unreachable: { status: 502, type: 'server_error', description: 'The host agent cannot reach its engine.' },
  },
} as const satisfies Record<keyof typeof ERROR_AREAS, Record<string, ErrorEntry>>;

type Catalog = typeof ERROR_CATALOG;
/** Every coded error, by its catalog key. */
export type ErrorCode = { [Area in keyof Catalog]: keyof Catalog[Area] }[keyof Catalog] & string;

const ENTRIES: ReadonlyMap<string, ErrorEntry> = new Map(
  Object.values(ERROR_CATALOG).flatMap((area) => Object.entries(area) as Array<[string, ErrorEntry]>),
);

export function errorEntry(code: ErrorCode): ErrorEntry {
  return ENTRIES.get(code) as ErrorEntry;
}

/** The code an error carries on the wire. */
export const wireCode = (code: ErrorCode): string => errorEntry(code).wire ?? code;
