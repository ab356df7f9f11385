// The store port for reading usage records back: a page of them, the console's series, and requests per host.
import type { Nanos } from '../../domain/money/nanos.ts';
import type { UsageRecord } from '../ports.ts';

/** A usage record as the buyer reads it back; `refundedBy`: the conviction that refunded it. */
export type UsageRow = Omit<UsageRecord, 'accountId' | 'keyId'> & { createdAtMs: number; refundedBy: string | null };

/** Which usage records: every field given narrows (an account's, a host's, one model, one key, a time range). */
/** `keyIds`: only these keys' records (a sub-key sees its own subtree's). */
export type UsageFilter = {
  accountId?: string;
  hostId?: string;
  modelId?: string;
  keyPrefix?: string;
  keyIds?: readonly string[];
  fromMs?: number;
  toMs?: number;
};

export type UsageBucket = 'minute' | 'hour' | 'day';

/** Usage summed per time bucket, model and key (the console's charts). */
export type UsagePoint = {
  bucketStartMs: number;
  modelId: string;
  keyPrefix: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cost: Nanos;
};

export type UsageStore = {
  /** newest first; `after`: only records older than that one (by time, then request id) that the filter matches */
  listUsage(filter: UsageFilter, limit: number, after?: string): Promise<UsageRow[]>;
  /** requests served per host since then */
  requestsByHost(sinceMs: number): Promise<Map<string, number>>;
  /** oldest first; without `perKey` every point's keyPrefix is '' */
  usageSeries(filter: UsageFilter, bucket: UsageBucket, perKey: boolean): Promise<UsagePoint[]>;
};
