// Kysely table types. Money columns are BIGINT nano-units and arrive as bigint from both drivers (PGlite by
// default, pg through a per-pool type parser) — never a JS number.
import type { Generated } from 'kysely';

type Timestamp = Date;
type Money = bigint;

export type LedgerAccountKind =
  | 'credits'
  | 'holds'
  | 'host_earnings'
  | 'host_payable'
  | 'host_bond'
  | 'host_unbonding'
  | 'host_payout'
  | 'platform_fees'
  | 'treasury'
  | 'funding'
  | 'paid_out'
  | 'gov_units'
  | 'gov_supply'
  | 'gov_treasury';

export type Schema = {
  accounts: { id: string; name: string; created_at: Generated<Timestamp> };
  ledger_accounts: {
    id: string;
    owner_id: string | null;
    kind: LedgerAccountKind;
    balance: Generated<Money>;
    allow_negative: Generated<boolean>;
    /** governance units are a ledger asset of their own, never credits (migration 028) */
    asset: Generated<'credit' | 'governance_unit'>;
  };
  ledger_transactions: {
    id: Generated<string>;
    idempotency_key: string;
    kind: string;
    created_at: Generated<Timestamp>;
  };
  ledger_entries: { transaction_id: string; ledger_account_id: string; amount: Money };
  api_keys: {
    id: string;
    account_id: string;
    parent_key_id: string | null;
    name: string;
    prefix: string;
    hash: string;
    role: 'buyer' | 'operator';
    models: string[] | null;
    spend_limit_total: Money | null;
    spend_limit_daily: Money | null;
    rate_limit_rpm: number | null;
    rate_limit_tpm: number | null;
    /** the wire form of ProviderPreferences */
    provider_preferences: unknown;
    spent_total: Generated<Money>;
    /** may create sub-keys (and hand this right on) */
    can_create_keys: Generated<boolean>;
    expires_at: Timestamp | null;
    revoked_at: Timestamp | null;
    created_at: Generated<Timestamp>;
    updated_at: Generated<Timestamp>;
  };
  key_daily_spend: { key_id: string; day: string; spent: Money };
  budget_leases: {
    id: string;
    key_id: string;
    account_id: string;
    instance_id: string;
    amount: Money;
    expires_at: Timestamp;
  };
  hosts: {
    id: string;
    name: string;
    base_url: string;
    engine_kind: string;
    created_at: Generated<Timestamp>;
    public_key: string | null;
    token_hash: string | null;
    forward_secret: string | null;
    engine_version: string | null;
    max_concurrency: number | null;
    last_seen_at: Timestamp | null;
    /** when its agent said it stops; it is back once last_seen_at is later */
    left_at: Timestamp | null;
    status: Generated<'active' | 'pending'>;
    misses: Generated<number>;
    strikes: Generated<number>;
    reputation: Generated<number>;
    suspended_at: Timestamp | null;
    hardware_class: Generated<string>;
    /** why its probed speed contradicts its declared class; null while it does not */
    hardware_class_doubt: string | null;
  };
  host_format_counts: {
    host_id: string;
    model_id: string;
    outcome: string;
    answers: bigint;
  };
  verification_profiles: {
    model_id: string;
    engine_kind: string;
    hardware_class: string;
    /** jsonb: VerificationProfile */
    profile: unknown;
    /** jsonb: what the profile was fitted from (the calibration file beside it) */
    calibration: unknown;
    measured_at: string;
    decode_tokens_per_second: number | null;
    installed_at: Generated<Timestamp>;
  };
  host_capacity: {
    host_id: string;
    model_id: string;
    ttft_ms: number;
    prefill_tokens_per_second: number;
    decode_tokens_per_second: number | null;
    measured_at: Timestamp;
  };
  host_maintenance: {
    id: string;
    host_id: string;
    starts_at: Timestamp;
    ends_at: Timestamp;
    created_at: Generated<Timestamp>;
    cancelled_at: Timestamp | null;
  };
  models: {
    id: string;
    name: string;
    context_length: number;
    prompt_price: Money;
    completion_price: Money;
    default_max_tokens: number;
    max_tokens_cap: number;
    tokenizer_dir: string;
    digest: string;
    quantization: string;
    /** jsonb: ModelCapability[] */
    capabilities: Generated<unknown>;
    /** jsonb: EmbeddingShape; null (the default) for a model that does not embed */
    embedding: Generated<unknown>;
    /** a cached prompt token's price, in basis points of the prompt price */
    cached_prompt_price_bps: Generated<number>;
    /** a reasoning token's price, in basis points of the completion price */
    reasoning_price_bps: Generated<number>;
    created_at: Generated<Timestamp>;
    /** the manifest version live now; null for the built-in model */
    version: number | null;
    disabled_at: Timestamp | null;
  };
  model_versions: {
    model_id: string;
    version: number;
    /** the manifest as the admin API took it (amounts as decimal strings) */
    manifest: unknown;
    tokenizer_json: string;
    tokenizer_config: string;
    status: 'pending' | 'active' | 'rejected' | 'superseded' | 'rolled_back';
    created_at: Generated<Timestamp>;
    promoted_at: Timestamp | null;
  };
  probe_runs: {
    id: string;
    model_id: string;
    version: number;
    host_id: string;
    passed: boolean;
    distances: unknown;
    reason: string | null;
    ran_at: Generated<Timestamp>;
  };
  model_hosts: {
    model_id: string;
    host_id: string;
    upstream_model: string;
    ask_prompt: Money | null;
    ask_completion: Money | null;
  };
  usage_records: {
    request_id: string;
    account_id: string;
    key_id: string;
    key_prefix: string;
    model_id: string;
    host_id: string | null;
    prompt_tokens: number;
    completion_tokens: number;
    prompt_price: Money;
    completion_price: Money;
    /** of the prompt tokens, those billed as cache reads; of the completion tokens, those the model reasoned with */
    cached_tokens: Generated<number>;
    reasoning_tokens: Generated<number>;
    cached_prompt_price: Money;
    reasoning_price: Money;
    cost: Money;
    status: string;
    attempts: Generated<number>;
    hedged: Generated<boolean>;
    request_digest: string | null;
    response_digest: string | null;
    host_signature: string | null;
    refunded_by: string | null;
    created_at: Generated<Timestamp>;
  };
  verification_samples: {
    request_id: string;
    host_id: string;
    model_id: string;
    /** the prompt ids and the host's claimed positions (SamplePayload); null once a passed check no longer needs it */
    payload: unknown;
    request_digest: string | null;
    response_digest: string | null;
    host_signature: string | null;
    /** SampleFindings once the reference has scored it */
    findings: unknown;
    check_id: string | null;
    served_at: Timestamp;
  };
  verification_checks: {
    id: string;
    host_id: string;
    model_id: string;
    passed: boolean;
    positions: number;
    mean_tv: number;
    max_tv: number;
    mean_abs_logprob_delta: Generated<number>;
    greedy_mismatches: number;
    implausible_stops: number;
    reasons: unknown;
    reference: string;
    created_at: Generated<Timestamp>;
  };
  host_model_trust: {
    host_id: string;
    model_id: string;
    evidence_score: Generated<number>;
    pooled_tv_score: Generated<number>;
    pooled_dlp_score: Generated<number>;
    seed_evidence: Generated<number>;
    checks_passed: Generated<number>;
    checks_failed: Generated<number>;
    last_passed_check_id: string | null;
  };
  convictions: {
    id: string;
    host_id: string;
    model_id: string;
    check_ids: unknown;
    responses_refunded: number;
    refunded: Money;
    from_host: Money;
    from_treasury: Money;
    from_funding: Money;
    from_bond: Generated<Money>;
    slashed: Generated<Money>;
    /** which test convicted: per_check, pooled */
    convicted_by: Generated<string>;
    created_at: Generated<Timestamp>;
  };
  disputes: {
    id: string;
    account_id: string;
    request_id: string;
    host_id: string;
    model_id: string;
    reason: string | null;
    status: Generated<'open' | 'upheld' | 'rejected'>;
    created_at: Generated<Timestamp>;
    resolved_at: Timestamp | null;
  };
  appeals: {
    id: string;
    conviction_id: string;
    host_id: string;
    reason: string;
    status: Generated<'open' | 'granted' | 'denied'>;
    created_at: Generated<Timestamp>;
    decided_at: Timestamp | null;
  };
  model_pricing: {
    model_id: string;
    prompt_floor: Money;
    completion_floor: Money;
    /** the controller's state, in millionths of a nano-unit */
    prompt_precise: bigint;
    completion_precise: bigint;
    busy_ms: Generated<bigint>;
    utilization: number | null;
    updated_at: Generated<Timestamp>;
    next_update_at: Generated<Timestamp>;
  };
  price_history: {
    id: Generated<string>;
    model_id: string;
    at: Timestamp;
    prompt_price: Money;
    completion_price: Money;
    utilization: number;
  };
  epochs: {
    number: number;
    starts_at: Timestamp;
    ends_at: Timestamp;
    /** each host's miss count when the epoch opened (its misses in the epoch: the count at close minus this) */
    opening_misses: unknown;
    /** EpochReport once closed */
    report: unknown;
    closed_at: Timestamp | null;
    released_at: Timestamp | null;
  };
  topups: {
    id: string;
    account_id: string | null;
    host_id: string | null;
    amount: Money;
    provider: string;
    reference: string;
    status: Generated<'pending' | 'confirmed' | 'cancelled'>;
    created_at: Generated<Timestamp>;
    settled_at: Timestamp | null;
  };
  payouts: {
    id: string;
    host_id: string;
    amount: Money;
    provider: string;
    status: Generated<'requested' | 'paid' | 'failed'>;
    reference: string | null;
    created_at: Generated<Timestamp>;
    settled_at: Timestamp | null;
  };
  unbondings: {
    id: string;
    host_id: string;
    amount: Money;
    requested_epoch: number;
    release_epoch: number;
    released_at: Timestamp | null;
  };
  slashes: {
    id: string;
    host_id: string;
    reason: 'conviction' | 'misses';
    cause: string;
    amount: Money;
    created_at: Generated<Timestamp>;
  };
  settings: { key: string; value: string };
  console_sessions: {
    token_hash: string;
    role: 'buyer' | 'operator' | 'host';
    credential_hash: string;
    csrf_token: string;
    created_at: Generated<Timestamp>;
    expires_at: Timestamp;
  };
  traffic_samples: {
    instance_id: string;
    model_id: string;
    started_at: Timestamp;
    span_ms: number;
    requests: number;
    errors: number;
    hosts_online: number;
    ttft_histogram: number[];
    latency_histogram: number[];
  };
  incidents: {
    id: string;
    title: string;
    impact: 'minor' | 'major' | 'critical';
    models: string[];
    status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
    opened_at: Timestamp;
    resolved_at: Timestamp | null;
  };
  incident_updates: {
    id: string;
    incident_id: string;
    status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
    message: string;
    created_at: Timestamp;
  };
  stored_responses: {
    id: string;
    account_id: string;
    key_id: string;
    created_at: Timestamp;
    input: unknown;
    response: unknown;
  };
  market_parameters: {
    name: string;
    /** the decimal string of the value at the parameter's scale */
    value: string;
    set_by_proposal: string | null;
    set_in_epoch: number | null;
    updated_at: Generated<Timestamp>;
  };
  governance_epochs: { epoch: number; total_units: Money; checkpointed_at: Generated<Timestamp> };
  governance_checkpoints: {
    epoch: number;
    account_id: string;
    units: Money;
    /** the account the holder had delegated to at the epoch (029); null: it votes its own units */
    delegate_account_id: string | null;
  };
  governance_delegations: {
    delegator_account_id: string;
    delegate_account_id: string;
    until_epoch: number | null;
    created_epoch: number;
    created_at: Generated<Timestamp>;
  };
  governance_proposals: {
    id: string;
    proposer_account_id: string;
    kind: 'parameter_change';
    payload: unknown;
    created_epoch: number;
    voting_starts_epoch: number;
    voting_ends_epoch: number;
    quorum_bps: number;
    timelock_epochs: number;
    queued_epoch: number | null;
    executable_epoch: number | null;
    executed_epoch: number | null;
    canceled_epoch: number | null;
    canceled_reason: string | null;
    execution_diff: unknown;
    created_at: Generated<Timestamp>;
  };
  governance_votes: {
    proposal_id: string;
    voter_account_id: string;
    support: 'for' | 'against' | 'abstain';
    power: Money;
    cast_epoch: number;
    cast_at: Generated<Timestamp>;
  };
  governance_events: {
    id: Generated<string>;
    proposal_id: string | null;
    kind: string;
    epoch: number;
    detail: unknown;
    created_at: Generated<Timestamp>;
  };
};
