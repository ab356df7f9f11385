// Governance in a market process: the parameter registry built from the configuration's genesis values (then the
// stored ones), the genesis issuance of governance units (once per market), and the boundary step that runs beside
// settlement. A configured value of a governance-owned parameter that differs from the market's no longer applies
// once the market exists (`agora start` says so).
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import { createKyselyGovernanceStore } from '../adapters/sql/kysely-governance-store.ts';
import type { Schema } from '../adapters/sql/schema.ts';
import { runGovernanceBoundary } from '../app/governance/governance-boundary.ts';
import type { GovernanceStore } from '../app/governance/governance-store.ts';
import { applyGovernanceGenesis } from '../app/governance/governance-units.ts';
import { createParameterRegistry, type ParameterRegistry } from '../app/governance/parameter-registry.ts';
import {
  DEFAULT_GOVERNANCE_GENESIS,
  DEFAULT_GOVERNANCE_RULES,
  type GovernedRules,
} from '../domain/governance/governed-rules.ts';
import type { MarketOptions } from './market-options.ts';

/** The account the operator's keys belong to: the founding allocation goes there. */
const OPERATOR_ACCOUNT = 'market';

export type MarketGovernance = {
  store: GovernanceStore;
  registry: ParameterRegistry;
  /** checkpoint, queue and execute due proposals (run after each settlement) */
  boundary(): Promise<void>;
};

export const genesisRules = (options: MarketOptions): GovernedRules => ({
  market: structuredClone(options.economics),
  samplingFloor: options.verification.samplingFloor,
  starterCredits: options.starterCredits,
  rateLimits: { ...options.rateLimits },
  governance: { ...(options.governance?.rules ?? DEFAULT_GOVERNANCE_RULES) },
});

export async function startMarketGovernance(
  db: Kysely<Schema>,
  logger: Logger,
  options: MarketOptions,
): Promise<MarketGovernance> {
  const store = createKyselyGovernanceStore(db);
  const registry = await createParameterRegistry({ store }, genesisRules(options));
  const genesis = options.governance?.genesis ?? DEFAULT_GOVERNANCE_GENESIS;
  if (await applyGovernanceGenesis(store, { operatorAccountId: OPERATOR_ACCOUNT, ...genesis }))
    logger.info(genesis, 'governance genesis: units issued');
  return {
    store,
    registry,
    async boundary() {
      for (const step of await runGovernanceBoundary({ store, registry }))
        logger.info(step, `governance: proposal ${step.step === 'queue' ? 'queued' : 'executed or refused'}`);
    },
  };
}
