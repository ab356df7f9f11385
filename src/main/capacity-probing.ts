// Wires capacity probes into a running market: the market's own account pays for them (a daily grant from market
// funding, so the ledger shows what probing costs), and the market's scheduler sends one at a time after Poisson
// gaps, so each host is probed about once per interval at times it cannot predict.
import { randomUUID } from 'node:crypto';
import {
  createAccount,
  grantCredits,
  issueKey,
  unlimitedKey,
  type AccountAdminDeps,
} from '../app/admin/account-admin.ts';
import { utcDay } from '../app/billing/utc-day.ts';
import { nextProbeDelayMs, probeRandomHost, type CapacityProbeDeps } from '../app/hosts/capacity-probes.ts';
import type { AccountStore } from '../app/admin/account-store.ts';
import type { KeyAdminStore } from '../app/admin/key-admin-store.ts';
import type { CapacityStore } from '../app/hosts/capacity-store.ts';
import type { ApiKeyRecord, Clock, Logger, Random } from '../app/ports.ts';
import type { MarketCatalog } from '../app/v1/market-catalog.ts';
import { serveCompletion, type ServeCompletionDeps } from '../app/v1/serve-completion.ts';
import { reviewHostClass } from '../app/verification/host-profiles.ts';
import type { ProfileStore } from '../app/verification/profile-store.ts';
import type { Nanos } from '../domain/money/nanos.ts';

const PROBE_ACCOUNT_ID = 'market-probes';

export type CapacityProbingOptions = { intervalMs: number; budgetPerDay: Nanos };

async function probeAccountKey(
  admin: AccountAdminDeps,
  store: Pick<AccountStore, 'accountExists'> & Pick<KeyAdminStore, 'listKeys'>,
): Promise<ApiKeyRecord> {
  if (!(await store.accountExists(PROBE_ACCOUNT_ID)))
    await createAccount(admin, 'Capacity probes (the market itself)', PROBE_ACCOUNT_ID);
  const existing = (await store.listKeys({ accountId: PROBE_ACCOUNT_ID })).find((k) => k.revokedAtMs === null);
  return existing ?? (await issueKey(admin, PROBE_ACCOUNT_ID, 'buyer', unlimitedKey('capacity-probes'))).record;
}

/** The probe job: `probe` sends one, `nextDelayMs` draws the wait before the next (the owner schedules them). */
export type CapacityProbing = { probe(): Promise<void>; nextDelayMs(): number };

export async function createCapacityProbing(
  deps: {
    admin: AccountAdminDeps;
    store: Pick<AccountStore, 'accountExists'> &
      Pick<KeyAdminStore, 'listKeys'> &
      Pick<CapacityStore, 'recordCapacity'>;
    catalog: MarketCatalog;
    serve: ServeCompletionDeps;
    logger: Logger;
    clock: Clock;
    random: Random;
    /** a probe's speed confirms or casts doubt on the host's hardware class */
    profiles: Pick<ProfileStore, 'listProfiles' | 'hostClass' | 'setClassDoubt'>;
  },
  options: CapacityProbingOptions,
): Promise<CapacityProbing> {
  const key = await probeAccountKey(deps.admin, deps.store);
  let grantedDay: string | undefined;
  const probes: CapacityProbeDeps = {
    catalog: deps.catalog,
    serve: (input) => serveCompletion(deps.serve, input),
    async probeKey() {
      // One grant a day: the idempotency key keeps other gateway instances (and restarts) from granting it again.
      const day = utcDay(deps.clock.nowMs());
      if (options.budgetPerDay > 0n && day !== grantedDay) {
        await grantCredits(deps.admin, PROBE_ACCOUNT_ID, options.budgetPerDay, `probe-budget:${day}`);
        grantedDay = day;
      }
      return key;
    },
    async record(measurement) {
      await deps.store.recordCapacity(measurement);
      await reviewHostClass({ store: deps.profiles, logger: deps.logger }, measurement);
    },
    clock: deps.clock,
    random: deps.random,
    newRequestId: () => randomUUID().replaceAll('-', ''),
    logger: deps.logger,
  };
  return {
    async probe() {
      await probeRandomHost(probes);
    },
    nextDelayMs() {
      const hosts = new Set(deps.catalog.list().flatMap((m) => m.routes.map((r) => r.host.id))).size;
      return nextProbeDelayMs(options.intervalMs, hosts, deps.random);
    },
  };
}
