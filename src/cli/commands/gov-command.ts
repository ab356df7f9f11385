// `agora gov parameters|show|propose|vote|delegate|execute`: governance through the running market's API. Reads are
// public; proposing, voting, delegating and executing act for the account of the key given (--key, env
// AGORA_API_KEY): governance units belong to accounts, never to the operator's key.
import { Command, Option } from 'commander';
import { locateMarket } from '../../main/market-url-file.ts';
import type { MarketClient } from '../../sdk/market-client.ts';
import { CliError } from './cli-action.ts';
import { adminAction, callMarket, DEFAULT_MARKET_URL, table } from './market-admin-client.ts';

type GovTarget = { market?: string; key?: string; dataDir: string; json?: boolean };

function withGovTarget(command: Command): Command {
  return command
    .option(
      '--market <url>',
      `the running market (env AGORA_MARKET_URL; default ${DEFAULT_MARKET_URL})`,
      process.env.AGORA_MARKET_URL,
    )
    .option(
      '--key <key>',
      "an account's API key: the account that proposes, votes or delegates (env AGORA_API_KEY)",
      process.env.AGORA_API_KEY,
    )
    .option(
      '--data-dir <dir>',
      'where `agora start` left market.url (env AGORA_DATA_DIR)',
      process.env.AGORA_DATA_DIR ?? '.agora',
    )
    .option('--json', 'print the raw JSON answer');
}

async function callGovernance<T>(
  target: GovTarget,
  needsKey: boolean,
  call: (governance: MarketClient['governance']) => Promise<T>,
): Promise<T> {
  if (needsKey && !target.key) throw new CliError('this command acts for an account: pass --key or set AGORA_API_KEY');
  const market = await locateMarket(target.market, target.dataDir, DEFAULT_MARKET_URL);
  return callMarket(market, target.key ?? '', (client) => call(client.governance));
}

type ProposalLine = {
  id: string;
  state: string;
  payload: { parameter: string; value: string };
  tally: Record<string, string>;
};
const proposalRow = (p: ProposalLine) => ({
  id: p.id,
  state: p.state,
  change: `${p.payload.parameter} → ${p.payload.value}`,
  for: p.tally.for,
  against: p.tally.against,
  abstain: p.tally.abstain,
});

export function govCommand(): Command {
  const gov = new Command('gov').description(
    "the market's rules and the proposals that change them: parameters, proposals, votes, delegation (docs/decisions/032-governance.md)",
  );
  withGovTarget(
    gov.command('parameters').description('every market parameter: value, owner, bounds, last proposal'),
  ).action(
    adminAction(
      (flags: GovTarget) => callGovernance(flags, false, (g) => g.listParameters()),
      (answer) => table(answer.data, ['name', 'value', 'owner', 'min', 'max', 'max_step', 'set_by_proposal']),
    ),
  );
  withGovTarget(gov.command('show [id]').description('the proposals, or one with its votes and audit trail')).action(
    adminAction(
      (flags: GovTarget, id?: string) =>
        id
          ? callGovernance(flags, false, (g) => g.getProposal({ params: { id } })).then((p) => [p])
          : callGovernance(flags, false, (g) => g.listProposals()).then((l) => l.data),
      (proposals) => table(proposals.map(proposalRow), ['id', 'state', 'change', 'for', 'against', 'abstain']),
    ),
  );
  withGovTarget(gov.command('propose <parameter> <value>').description('propose a parameter change')).action(
    adminAction(
      (flags: GovTarget, parameter: string, value: string) =>
        callGovernance(flags, true, (g) =>
          g.propose({ body: { type: 'parameter_change', payload: { parameter, value } } }),
        ),
      (p) => `${p.id}: ${p.state}, the vote opens at epoch ${p.timeline.voting_starts_epoch}`,
    ),
  );
  withGovTarget(
    gov
      .command('vote <id>')
      .description(
        "vote with the account's units checkpointed at the proposal's snapshot (a new vote replaces the last)",
      )
      .addOption(
        new Option('--support <choice>', 'the vote').choices(['for', 'against', 'abstain']).makeOptionMandatory(),
      ),
  ).action(
    adminAction(
      (flags: GovTarget & { support: 'for' | 'against' | 'abstain' }, id: string) =>
        callGovernance(flags, true, (g) => g.vote({ params: { id }, body: { support: flags.support } })),
      (r) =>
        `${r.support} with ${r.power} (snapshot epoch ${r.snapshot_epoch})${r.replaced ? ', replacing the earlier vote' : ''}`,
    ),
  );
  withGovTarget(
    gov.command('delegate <to>').description("delegate the account's voting power to another account"),
  ).action(
    adminAction(
      (flags: GovTarget, to: string) => callGovernance(flags, true, (g) => g.delegate({ body: { to } })),
      (d) => `delegating to ${d.delegates_to?.delegate ?? '(nobody)'}`,
    ),
  );
  withGovTarget(
    gov
      .command('execute <id> <parameter> <value>')
      .description('execute a queued proposal past its timelock, with the payload it was voted on'),
  ).action(
    adminAction(
      (flags: GovTarget, id: string, parameter: string, value: string) =>
        callGovernance(flags, true, (g) => g.execute({ params: { id }, body: { payload: { parameter, value } } })),
      (p) =>
        `${p.id}: ${p.state}${p.execution_diff ? ` (${p.execution_diff.parameter} ${p.execution_diff.before} → ${p.execution_diff.after})` : ''}`,
    ),
  );
  return gov;
}
