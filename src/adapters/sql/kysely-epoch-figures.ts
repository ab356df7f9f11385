// An epoch's figures, read back from usage records and ledger entries (SQL sums): the report written when the epoch
// closes and the reconciliation that re-derives it later share them. A read model: it moves no money, and the sums
// here are the one place in the economics stores where amounts are added up in TypeScript (eslint allows it here).
import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  EpochReport,
  EpochRow,
  HostEpochFigures,
  LedgerCheck,
  ModelEpochFigures,
} from '../../app/economics/economics-store.ts';
import { ledgerAccount } from '../../domain/ledger/transaction.ts';
import type { Schema } from './schema.ts';

type Db = Kysely<Schema> | Transaction<Schema>;

/** Reports are JSON: amounts as exact decimal strings of nano-units. */
export const storedReport = (report: EpochReport): string =>
  JSON.stringify(report, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
const MONEY_FIELDS = new Set([
  'revenue',
  'captured',
  'hostEarnings',
  'platformFees',
  'treasury',
  'refunded',
  'earned',
  'slashed',
]);
export const loadedReport = (stored: unknown): EpochReport =>
  JSON.parse(JSON.stringify(stored), (key, value: unknown) =>
    MONEY_FIELDS.has(key) && typeof value === 'string' ? BigInt(value) : value,
  ) as EpochReport;

export const toEpoch = (r: Selectable<Schema['epochs']>): EpochRow => ({
  number: r.number,
  startsAtMs: r.starts_at.getTime(),
  endsAtMs: r.ends_at.getTime(),
  report: r.report === null ? null : loadedReport(r.report),
  closedAtMs: r.closed_at?.getTime() ?? null,
  releasedAtMs: r.released_at?.getTime() ?? null,
});
/** The figures of [starts, ends) from usage records and ledger entries; the report and the reconciliation share them. */
export async function epochFigures(
  db: Db,
  startsAt: Date,
  endsAt: Date,
  misses: ReadonlyMap<string, number>,
): Promise<Omit<EpochReport, 'hosts'> & { hosts: Array<Omit<HostEpochFigures, 'slashed'>> }> {
  const usage = await db
    .selectFrom('usage_records')
    .select((eb) => [
      'host_id',
      'model_id',
      eb.fn.countAll<string>().as('requests'),
      eb.fn.sum<string>('prompt_tokens').as('prompt_tokens'),
      eb.fn.sum<string>('completion_tokens').as('completion_tokens'),
      eb.fn.sum<string>('cost').as('revenue'),
    ])
    .where('created_at', '>=', startsAt)
    .where('created_at', '<', endsAt)
    .where('host_id', 'is not', null)
    .groupBy(['host_id', 'model_id'])
    .execute();
  const movements = await db
    .selectFrom('ledger_entries')
    .innerJoin('ledger_transactions', 'ledger_transactions.id', 'ledger_entries.transaction_id')
    .innerJoin('ledger_accounts', 'ledger_accounts.id', 'ledger_entries.ledger_account_id')
    .select((eb) => [
      'ledger_transactions.kind',
      'ledger_accounts.kind as account_kind',
      'ledger_entries.ledger_account_id',
      eb.fn.sum<string>('ledger_entries.amount').as('amount'),
    ])
    .where('ledger_transactions.created_at', '>=', startsAt)
    .where('ledger_transactions.created_at', '<', endsAt)
    .where('ledger_transactions.kind', 'in', ['capture', 'refund'])
    .groupBy(['ledger_transactions.kind', 'ledger_accounts.kind', 'ledger_entries.ledger_account_id'])
    .execute();
  const moved = (kind: string, accountKind: string) =>
    movements
      .filter((m) => m.kind === kind && m.account_kind === accountKind)
      .reduce((s, m) => s + BigInt(m.amount), 0n);
  const earnedBy = new Map(
    movements
      .filter((m) => m.kind === 'capture' && m.account_kind === 'host_earnings')
      .map((m) => [m.ledger_account_id, BigInt(m.amount)]),
  );
  const models = new Map<string, ModelEpochFigures>();
  const hosts = new Map<string, Omit<HostEpochFigures, 'slashed'>>();
  const hostFigures = (hostId: string) => {
    const existing = hosts.get(hostId) ?? {
      hostId,
      requests: 0,
      completionTokens: 0,
      earned: earnedBy.get(ledgerAccount.hostEarnings(hostId)) ?? 0n,
      misses: misses.get(hostId) ?? 0,
    };
    hosts.set(hostId, existing);
    return existing;
  };
  for (const row of usage) {
    const model = models.get(row.model_id) ?? {
      modelId: row.model_id,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      revenue: 0n,
    };
    model.requests += Number(row.requests);
    model.promptTokens += Number(row.prompt_tokens);
    model.completionTokens += Number(row.completion_tokens);
    model.revenue += BigInt(row.revenue);
    models.set(row.model_id, model);
    const host = hostFigures(row.host_id as string);
    host.requests += Number(row.requests);
    host.completionTokens += Number(row.completion_tokens);
  }
  for (const [hostId, count] of misses) if (count > 0) hostFigures(hostId);
  const modelList = [...models.values()].sort((a, b) => a.modelId.localeCompare(b.modelId));
  return {
    requests: modelList.reduce((s, m) => s + m.requests, 0),
    promptTokens: modelList.reduce((s, m) => s + m.promptTokens, 0),
    completionTokens: modelList.reduce((s, m) => s + m.completionTokens, 0),
    revenue: modelList.reduce((s, m) => s + m.revenue, 0n),
    captured: -moved('capture', 'holds'),
    hostEarnings: moved('capture', 'host_earnings'),
    platformFees: moved('capture', 'platform_fees'),
    treasury: moved('capture', 'treasury'),
    refunded: moved('refund', 'credits'),
    hosts: [...hosts.values()].sort((a, b) => a.hostId.localeCompare(b.hostId)),
    models: modelList,
  };
}

/** What a stored report says and what the ledger says now, field by field (misses and slashes are not re-derived). */
export function reportMismatches(
  epoch: number,
  stored: EpochReport,
  now: Awaited<ReturnType<typeof epochFigures>>,
): LedgerCheck['epochMismatches'] {
  const fields: Array<[string, unknown, unknown]> = [
    ['requests', stored.requests, now.requests],
    ['prompt_tokens', stored.promptTokens, now.promptTokens],
    ['completion_tokens', stored.completionTokens, now.completionTokens],
    ['revenue', stored.revenue, now.revenue],
    ['captured', stored.captured, now.captured],
    ['revenue = captured', stored.revenue, now.captured],
    ['host_earnings', stored.hostEarnings, now.hostEarnings],
    ['platform_fees', stored.platformFees, now.platformFees],
    ['treasury', stored.treasury, now.treasury],
    [
      'host_earnings + platform_fees + treasury = captured',
      stored.hostEarnings + stored.platformFees + stored.treasury,
      now.captured,
    ],
    ['refunded', stored.refunded, now.refunded],
  ];
  const earned = new Map(now.hosts.map((h) => [h.hostId, h.earned]));
  for (const host of stored.hosts)
    fields.push([`hosts.${host.hostId}.earned`, host.earned, earned.get(host.hostId) ?? 0n]);
  return fields
    .filter(([, a, b]) => a !== b)
    .map(([field, report, ledger]) => ({ epoch, field, report: String(report), ledger: String(ledger) }));
}
