// Delegation never counts a unit twice: whatever the delegations and whoever votes, the tally is at most the
// snapshot's units, a delegator's own vote overrides its delegate, and a delegate's power includes exactly the units
// of its delegators who did not vote.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delegationHolds, powerOf, tallyWithDelegation, type CheckpointHolding } from './delegated-tally.ts';
import { VOTE_SUPPORTS } from './proposal-state.ts';

const ACCOUNTS = ['a', 'b', 'c', 'd', 'e'];

const holdings = fc.uniqueArray(fc.constantFrom(...ACCOUNTS), { minLength: 1 }).chain((holders) =>
  fc.tuple(
    ...holders.map((accountId) =>
      fc.record({
        accountId: fc.constant(accountId),
        units: fc.bigInt({ min: 1n, max: 10n ** 9n }),
        delegateAccountId: fc.option(fc.constantFrom(...ACCOUNTS.filter((a) => a !== accountId)), { nil: null }),
      }),
    ),
  ),
);
const votes = fc.uniqueArray(
  fc.record({ voterAccountId: fc.constantFrom(...ACCOUNTS), support: fc.constantFrom(...VOTE_SUPPORTS) }),
  { selector: (v) => v.voterAccountId },
);

describe('tallies with delegation', () => {
  it('never counts more than the snapshot holds, and counts every unit of a voter or a non-voting delegator', () => {
    fc.assert(
      fc.property(holdings, votes, (held: CheckpointHolding[], cast) => {
        const tally = tallyWithDelegation(cast, held);
        const counted = tally.for + tally.against + tally.abstain;
        const voted = new Set(cast.map((v) => v.voterAccountId));
        const expected = held
          .filter((h) => voted.has(h.accountId) || (h.delegateAccountId !== null && voted.has(h.delegateAccountId)))
          .reduce((s, h) => s + h.units, 0n);
        expect(counted).toBe(expected);
        expect(counted <= held.reduce((s, h) => s + h.units, 0n)).toBe(true);
      }),
    );
  });

  it('lets a delegator override its delegate with its own vote', () => {
    const held = [
      { accountId: 'a', units: 10n, delegateAccountId: null },
      { accountId: 'b', units: 5n, delegateAccountId: 'a' },
    ];
    expect(powerOf('a', held, new Set(['a']))).toEqual({
      power: 15n,
      sources: [
        { kind: 'own', units: 10n },
        { kind: 'delegated', from: 'b', units: 5n },
      ],
    });
    expect(
      tallyWithDelegation(
        [
          { voterAccountId: 'a', support: 'for' },
          { voterAccountId: 'b', support: 'against' },
        ],
        held,
      ),
    ).toEqual({ for: 10n, against: 5n, abstain: 0n });
  });

  it('ends a delegation after its last epoch', () => {
    expect(delegationHolds(null, 99)).toBe(true);
    expect(delegationHolds(4, 4)).toBe(true);
    expect(delegationHolds(4, 5)).toBe(false);
  });
});
