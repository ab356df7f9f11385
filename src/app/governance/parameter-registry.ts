// The running market's parameters: genesis values from the configuration, written once when the market is created,
// then the stored values (set by executed proposals, or by the operator for the parameters it owns). Every rule the
// market reads goes through `live` (a read-through view), so a stored change applies at the next read.
import { marketError } from '../../contracts/errors/market-error.ts';
import { describeRefusal, formatScaled, parseScaled } from '../../domain/governance/parameter-change.ts';
import type { GovernedRules } from '../../domain/governance/governed-rules.ts';
import {
  isParameterName,
  MARKET_PARAMETERS,
  PARAMETER_NAMES,
  parameterValues,
  withParameters,
  type ParameterName,
  type ParameterSpec,
} from '../../domain/governance/market-parameters.ts';
import type { ParameterStore, StoredParameter } from './governance-store.ts';
import { liveView } from './live-view.ts';

export type ParameterEntry = {
  name: ParameterName;
  spec: ParameterSpec;
  value: bigint;
  setByProposal: string | null;
  setInEpoch: number | null;
};

export type ParameterRegistry = {
  rules(): GovernedRules;
  /** the current rules, read through at every access */
  live: GovernedRules;
  list(): ParameterEntry[];
  entry(name: ParameterName): ParameterEntry;
  /** re-reads the stored values (another instance, or a proposal, changed them) */
  reload(): Promise<void>;
  /** an operator-owned parameter from /admin; a governance-owned one is refused */
  setByOperator(name: string, valueText: string): Promise<ParameterEntry>;
  /** governance-owned parameters whose configured (genesis) value differs from the one the market runs by */
  overriddenGenesis: Array<{ name: ParameterName; configured: string; current: string }>;
};

const text = (name: ParameterName, value: bigint) => formatScaled(value, MARKET_PARAMETERS[name].scale);

function storedValues(stored: readonly StoredParameter[]): Partial<Record<ParameterName, bigint>> {
  const values: Partial<Record<ParameterName, bigint>> = {};
  for (const row of stored) {
    if (!isParameterName(row.name)) continue;
    const value = parseScaled(row.value, MARKET_PARAMETERS[row.name].scale);
    if (value !== undefined) values[row.name] = value;
  }
  return values;
}

export async function createParameterRegistry(
  deps: { store: ParameterStore },
  genesis: GovernedRules,
): Promise<ParameterRegistry> {
  const configured = parameterValues(genesis);
  await deps.store.seedParameters(PARAMETER_NAMES.map((name) => ({ name, value: text(name, configured[name]) })));
  let stored: StoredParameter[] = [];
  let rules = genesis;
  const reload = async () => {
    stored = await deps.store.loadParameters();
    rules = withParameters(genesis, storedValues(stored));
  };
  await reload();
  const entry = (name: ParameterName): ParameterEntry => {
    const row = stored.find((r) => r.name === name);
    return {
      name,
      spec: MARKET_PARAMETERS[name],
      value: MARKET_PARAMETERS[name].read(rules),
      setByProposal: row?.setByProposal ?? null,
      setInEpoch: row?.setInEpoch ?? null,
    };
  };
  const current = parameterValues(rules);
  return {
    rules: () => rules,
    live: liveView(() => rules),
    list: () => PARAMETER_NAMES.map(entry),
    entry,
    reload,
    async setByOperator(name, valueText) {
      if (!isParameterName(name))
        throw marketError('parameter_not_found', `No market parameter '${name}'.`, { param: 'name' });
      const spec = MARKET_PARAMETERS[name];
      if (spec.owner === 'governance')
        throw marketError(
          'parameter_governed',
          `${name} is owned by governance: only an executed proposal changes it (POST /v1/governance/proposals).`,
          { param: 'name' },
        );
      const value = parseScaled(valueText, spec.scale);
      if (value === undefined || value < spec.min || value > spec.max)
        throw marketError(
          'invalid_value',
          value === undefined
            ? `${name} takes a decimal with at most ${spec.scale} decimal places.`
            : describeRefusal(name, { ok: false, reason: 'out_of_bounds', min: spec.min, max: spec.max }),
          { param: 'value' },
        );
      await deps.store.setOperatorParameter(name, text(name, value));
      await reload();
      return entry(name);
    },
    overriddenGenesis: PARAMETER_NAMES.filter(
      (n) => MARKET_PARAMETERS[n].owner === 'governance' && configured[n] !== current[n],
    ).map((name) => ({ name, configured: text(name, configured[name]), current: text(name, current[name]) })),
  };
}
