// `agora accounts`, `agora credits` and `agora keys`: the operator's everyday work, through the admin API of the
// running market.
import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { CliError } from './cli-action.ts';
import { adminAction, callAdmin, table, withAdminTarget, type AdminTarget } from './market-admin-client.ts';

type KeyFlags = AdminTarget & {
  name?: string;
  models?: string;
  limitTotal?: string;
  limitDaily?: string;
  expires?: string;
};

export function accountsCommand(): Command {
  const accounts = new Command('accounts').description('list and create buyer accounts (admin API)');
  withAdminTarget(accounts.command('list').description('every account with its available and held credits')).action(
    adminAction(
      (flags) => callAdmin(flags, (admin) => admin.listAccounts()),
      (answer) => table(answer.data, ['id', 'name', 'available', 'held']),
    ),
  );
  withAdminTarget(
    accounts
      .command('create')
      .description('create an account')
      .argument('<name>', 'display name')
      .option('--id <id>', 'account id (default: generated)'),
  ).action(
    adminAction(
      (flags: AdminTarget & { id?: string }, name: string) =>
        callAdmin(flags, (admin) => admin.createAccount({ body: { name, ...(flags.id ? { id: flags.id } : {}) } })),
      (answer) => `Created account ${answer.id} (${answer.name})`,
    ),
  );
  return accounts;
}

export function creditsCommand(): Command {
  const credits = new Command('credits').description('grant credits to an account (admin API)');
  withAdminTarget(
    credits
      .command('grant')
      .description('grant credits; the same --idempotency-key never grants twice')
      .argument('<account>', 'account id')
      .argument('<amount>', 'decimal amount in the market currency, e.g. 12.5')
      .option('--idempotency-key <key>', 'makes a retried grant a no-op (default: a new one per call)'),
  ).action(
    adminAction(
      (flags: AdminTarget & { idempotencyKey?: string }, account: string, amount: string) =>
        callAdmin(flags, (admin) =>
          admin.grantCredits({
            params: { id: account },
            body: { amount, idempotency_key: flags.idempotencyKey ?? randomUUID() },
          }),
        ),
      (answer) =>
        `${answer.duplicate ? 'Already granted (same idempotency key); nothing added.' : 'Granted.'} ${answer.account_id} now has ${answer.available} available`,
    ),
  );
  return credits;
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('issue, list and revoke buyer API keys (admin API)');
  withAdminTarget(
    keys
      .command('list')
      .description(
        'keys (never their secret), optionally of one account, with their total and daily limits and what is left of each (- : no limit)',
      )
      .option('--account <id>', 'only this account'),
  ).action(
    adminAction(
      (flags: AdminTarget & { account?: string }) =>
        callAdmin(flags, (admin) => admin.listKeys({ query: flags.account ? { account_id: flags.account } : {} })),
      (answer) =>
        table(answer.data, [
          'id',
          'account_id',
          'parent_key_id',
          'prefix',
          'name',
          'spent_total',
          'spend_limit_total',
          'remaining_total',
          'spent_today',
          'spend_limit_daily',
          'remaining_daily',
          'expires_at',
          'revoked',
        ]),
    ),
  );
  withAdminTarget(
    keys
      .command('create')
      .description('issue a key; its secret is printed once and stored only as a hash')
      .argument('<account>', 'account id')
      .option('--name <name>', 'label')
      .option('--models <ids>', 'comma-separated model allowlist')
      .option('--limit-total <amount>', 'total spend limit')
      .option('--limit-daily <amount>', 'spend limit per UTC day')
      .option('--expires <iso-datetime>', 'expiry, e.g. 2027-01-01T00:00:00Z'),
  ).action(
    adminAction(
      (flags: KeyFlags, account: string) =>
        callAdmin(flags, (admin) =>
          admin.issueKey({
            body: {
              account_id: account,
              ...(flags.name ? { name: flags.name } : {}),
              ...(flags.models ? { models: flags.models.split(',').map((m) => m.trim()) } : {}),
              ...(flags.limitTotal ? { spend_limit_total: flags.limitTotal } : {}),
              ...(flags.limitDaily ? { spend_limit_daily: flags.limitDaily } : {}),
              ...(flags.expires ? { expires_at: flags.expires } : {}),
            },
          }),
        ),
      (answer) => `Key ${answer.id} (${answer.prefix}) — shown once, store it now:\n${answer.key}`,
    ),
  );
  withAdminTarget(
    keys.command('revoke').description('revoke a key and every sub-key it issued').argument('<id>', 'key id'),
  ).action(
    adminAction(
      (flags: AdminTarget, id: string) => callAdmin(flags, (admin) => admin.revokeKey({ params: { id } })),
      (answer) => `Revoked ${answer.id}`,
    ),
  );
  return keys;
}

export function hostsCommand(): Command {
  const hosts = new Command('hosts').description(
    'hosts that joined the market, and approving them when registration needs approval (admin API)',
  );
  withAdminTarget(
    hosts
      .command('list')
      .description(
        'every host agent: status (active or pending), whether it is live (a heartbeat within three intervals), address, models, last heartbeat',
      ),
  ).action(
    adminAction(
      (flags) => callAdmin(flags, (admin) => admin.listHosts()),
      (answer) =>
        table(answer.data, [
          'id',
          'name',
          'status',
          'live',
          'reputation',
          'suspended_since',
          'base_url',
          'models',
          'last_seen',
        ]),
    ),
  );
  withAdminTarget(
    hosts
      .command('approve')
      .description('probe a pending host now and let it serve the models that pass')
      .argument('<host>', 'host id'),
  ).action(
    adminAction(
      (flags, host: string) => callAdmin(flags, (admin) => admin.approveHost({ params: { id: host } })),
      (answer) =>
        [
          `Approved ${answer.id}: serving ${answer.admitted.join(', ')}`,
          ...answer.refused.map((r) => `not admitted for ${r.model}: ${r.reason}`),
        ].join('\n'),
    ),
  );
  withAdminTarget(
    hosts
      .command('checks')
      .description("a host's verification checks and convictions: the evidence")
      .argument('<host>', 'host id'),
  ).action(
    adminAction(
      (flags, host: string) => callAdmin(flags, (admin) => admin.hostChecks({ params: { id: host } })),
      (answer) => JSON.stringify(answer, null, 2),
    ),
  );
  withAdminTarget(hosts.command('appeals').description("convicted hosts' appeals")).action(
    adminAction(
      (flags) => callAdmin(flags, (admin) => admin.listAppeals()),
      (answer) => table(answer.data, ['id', 'conviction_id', 'host', 'status', 'created', 'reason']),
    ),
  );
  withAdminTarget(
    hosts
      .command('decide-appeal')
      .description('grant an appeal (lifts the suspension) or deny it')
      .argument('<appeal>', 'appeal id')
      .argument('<decision>', 'grant or deny'),
  ).action(
    adminAction(
      (flags, appeal: string, decision: string) => {
        if (decision !== 'grant' && decision !== 'deny')
          throw new CliError(`the decision is grant or deny, not '${decision}'`);
        return callAdmin(flags, (admin) => admin.decideAppeal({ params: { id: appeal }, body: { decision } }));
      },
      (answer) => `Appeal ${answer.id} of ${answer.host}: ${answer.status}`,
    ),
  );
  return hosts;
}

/** `agora money`: top-ups and payouts waiting for the operator's payment provider, and epoch reports. */
export function moneyCommand(): Command {
  const money = new Command('money').description('top-ups, payouts and epochs (admin API)');
  withAdminTarget(
    money
      .command('topups')
      .description('top-ups, pending first')
      .option('--status <status>', 'pending, confirmed or cancelled'),
  ).action(
    adminAction(
      (flags: AdminTarget & { status?: string }) =>
        callAdmin(flags, (admin) => admin.listTopUps({ query: { status: flags.status } })),
      (answer) => table(answer.data, ['id', 'account', 'host', 'amount', 'reference', 'status', 'created']),
    ),
  );
  withAdminTarget(
    money
      .command('confirm-topup')
      .description('a payment arrived: credit it (once)')
      .argument('<id>', 'top-up id')
      .requiredOption('--reference <ref>', "the bank's reference"),
  ).action(
    adminAction(
      (flags: AdminTarget & { reference: string }, id: string) =>
        callAdmin(flags, (admin) => admin.confirmTopUp({ params: { id }, body: { reference: flags.reference } })),
      (answer) => `Top-up ${answer.id}: ${answer.amount} ${answer.status}`,
    ),
  );
  withAdminTarget(
    money.command('payouts').description('payouts').option('--status <status>', 'requested, paid or failed'),
  ).action(
    adminAction(
      (flags: AdminTarget & { status?: string }) =>
        callAdmin(flags, (admin) => admin.listPayouts({ query: { status: flags.status } })),
      (answer) => table(answer.data, ['id', 'host', 'amount', 'status', 'reference', 'created']),
    ),
  );
  withAdminTarget(
    money
      .command('paid')
      .description('mark a payout sent (once)')
      .argument('<id>', 'payout id')
      .requiredOption('--reference <ref>', "the transfer's reference"),
  ).action(
    adminAction(
      (flags: AdminTarget & { reference: string }, id: string) =>
        callAdmin(flags, (admin) => admin.markPayoutPaid({ params: { id }, body: { reference: flags.reference } })),
      (answer) => `Payout ${answer.id}: ${answer.amount} ${answer.status}`,
    ),
  );
  withAdminTarget(money.command('epochs').description('epochs and their reports')).action(
    adminAction(
      (flags) => callAdmin(flags, (admin) => admin.listEpochs()),
      (answer) =>
        table(
          answer.data.map((e) => ({ ...e, ...e.report })),
          ['epoch', 'starts', 'ends', 'closed', 'released', 'requests', 'revenue', 'host_earnings'],
        ),
    ),
  );
  return money;
}
