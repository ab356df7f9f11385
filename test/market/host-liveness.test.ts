// A host whose heartbeat is stale (silent for more than three intervals) is not counted as serving anywhere:
// /v1/models, the status page and the operator's host list agree, while hosts still live keep counting. The
// market's time is advanced (its jobs, the catalog reload among them, run on the way) instead of waiting for the
// heartbeats to age.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_HEARTBEAT_MS, MISSED_HEARTBEATS } from '../../src/domain/hosts/liveness.ts';
import { createManualTime } from '../support/manual-time.ts';
import { admin, startTestMarket, type TestMarket } from '../support/test-market.ts';

type ModelCard = { id: string; hosts: number };
type StatusModel = { id: string; hosts_online: number };
type AdminHost = { id: string; live: boolean };

describe('counting only live hosts', () => {
  let market: TestMarket;
  const time = createManualTime();
  beforeAll(async () => {
    market = await startTestMarket({ time });
  });
  afterAll(() => market.stop());

  const modelCard = async () => ((await (await fetch(`${market.url}/v1/models/agora-tiny`)).json()) as ModelCard).hosts;
  const statusCount = async () =>
    ((await (await fetch(`${market.url}/status.json`)).json()) as { models: StatusModel[] }).models.find(
      (m) => m.id === 'agora-tiny',
    )?.hosts_online;
  const builtinHostLive = async () =>
    (await admin<{ data: AdminHost[] }>(market, 'GET', '/admin/hosts')).body.data.find(
      (h) => h.id === market.hosts[0]?.hostId,
    )?.live;

  it('a built-in host that heartbeats is counted by /v1/models, the status page and the host list', async () => {
    expect(await modelCard()).toBe(1);
    expect(await statusCount()).toBe(1);
    expect(await builtinHostLive()).toBe(true);
  });

  it('once its last heartbeat is older than three intervals it is counted nowhere, while a live host still is', async () => {
    // The market's clock moves ahead: the host's latest heartbeat (stored by the database's clock) is now more
    // than three intervals old however recently it was sent.
    await time.advance((MISSED_HEARTBEATS + 2) * HOST_HEARTBEAT_MS);
    // An operator-registered engine has no heartbeat and counts as live; registering it reloads the catalog.
    const engine = await admin(market, 'POST', '/admin/engines', {
      id: 'operator-engine',
      name: 'operator engine',
      base_url: 'http://127.0.0.1:9',
      engine_kind: 'llama.cpp',
      model_id: 'agora-tiny',
      upstream_model: 'tiny',
    });
    expect(engine.status).toBe(201);
    expect(await modelCard()).toBe(1);
    expect(await statusCount()).toBe(1);
    expect(await builtinHostLive()).toBe(false);
    const models = (await (await fetch(`${market.url}/v1/models`)).json()) as { data: ModelCard[] };
    expect(models.data.find((m) => m.id === 'agora-tiny')?.hosts).toBe(1);
  });
});
