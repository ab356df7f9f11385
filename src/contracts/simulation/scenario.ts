// A simulator scenario as a data file (sim/scenarios/*.json): the market's model and demand, and groups of hosts
// with their strategies. Adding a scenario needs no code; the file is checked against this schema when it loads.
// An attack scenario judges an attacker group's profit; a liveness scenario judges whether the market kept serving
// (no request refused for price) and brought utilization back into its band.
import { z } from 'zod';
import { amountSchema } from '../amount.ts';

export const STRATEGIES = ['honest', 'substitute', 'selective', 'sybil', 'wash', 'griefer'] as const;

const hostGroupSchema = z
  .object({
    name: z.string().min(1),
    strategy: z.enum(STRATEGIES),
    /** hosts in the group (a sybil group: identities it can re-enter with after a conviction) */
    count: z.number().int().min(1).max(200).default(1),
    /** requests one host serves per tick */
    slots: z.number().int().min(1),
    /** what serving one request costs the host (a substitute model costs less) */
    costPerRequest: amountSchema,
    /** what a cheated request costs it (a substitute model); the substitute and sybil strategies cheat on every one */
    cheatCostPerRequest: amountSchema.optional(),
    bond: amountSchema.default(0n),
    /** selective: the share of requests it cheats on */
    cheatShare: z.number().min(0).max(1).default(0),
    /** wash: requests per tick it buys from itself */
    washRequestsPerTick: z.number().int().min(0).default(0),
    /** griefer: false disputes per tick against the other hosts */
    disputesPerTick: z.number().min(0).default(0),
    /** share of forwarded requests it fails (outside maintenance) */
    missShare: z.number().min(0).max(1).default(0),
    /** the least it serves for, per token; none: it takes the market price */
    ask: z.object({ prompt: amountSchema, completion: amountSchema }).strict().optional(),
  })
  .strict();

/** A stretch of simulated time with its own demand: idle hours, then a burst. */
const demandPhaseSchema = z
  .object({ name: z.string().min(1), ticks: z.number().int().min(1), requestsPerTick: z.number().min(0) })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().min(1),
    ticks: z.number().int().min(1).max(100_000),
    tickSeconds: z.number().positive().default(60),
    epochTicks: z.number().int().min(1),
    pricingIntervalTicks: z.number().int().min(1).default(1),
    model: z
      .object({
        basePrice: z.object({ prompt: amountSchema, completion: amountSchema }).strict(),
        floorPrice: z.object({ prompt: amountSchema, completion: amountSchema }).strict(),
        promptTokens: z.number().int().min(1),
        completionTokens: z.number().int().min(1),
        /** a sampled request's positions; a check needs the verifier's 48 */
        positionsPerSample: z.number().int().min(1).default(16),
      })
      .strict(),
    demand: z
      .object({
        requestsPerTick: z.number().min(0),
        /** demand falls as (base price / price)^elasticity */
        elasticity: z.number().min(0).default(1),
        /** ± share of demand over a simulated day */
        dailySwing: z.number().min(0).max(1).default(0),
        /** demand by phase, in order (each replaces requestsPerTick for its ticks; the last one holds to the end) */
        phases: z.array(demandPhaseSchema).min(1).optional(),
      })
      .strict(),
    hosts: z.array(hostGroupSchema).min(1),
    kind: z.enum(['attack', 'liveness']).default('attack'),
    /** attack: the group whose profit is judged against what it would earn honestly */
    attacker: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.kind !== 'attack' || s.hosts.some((h) => h.name === s.attacker), {
    message: 'attacker must name a host group',
    path: ['attacker'],
  })
  .refine((s) => s.kind !== 'liveness' || (s.demand.phases?.length ?? 0) >= 2, {
    message: 'a liveness scenario has demand phases (e.g. idle, then a burst)',
    path: ['demand', 'phases'],
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type HostGroup = Scenario['hosts'][number];
export type DemandPhase = z.infer<typeof demandPhaseSchema>;
