import { describe, expect, it } from 'vitest';
import { DRAIN_LEAD_MS, isAway, judgeMaintenance, type MaintenanceRules, type ModelCapacity } from './maintenance.ts';

const rules: MaintenanceRules = { minNoticeMs: 60_000, maxLengthMs: 3_600_000, maxShareAway: 0.5 };
const now = 1_000_000;
const soon = { startsAtMs: now + 120_000, endsAtMs: now + 600_000 };
const model = (windows: Record<string, Array<{ startsAtMs: number; endsAtMs: number }>> = {}): ModelCapacity => ({
  modelId: 'm',
  hosts: ['a', 'b', 'c', 'd'].map((hostId) => ({ hostId, capacity: 4, windows: windows[hostId] ?? [] })),
});

describe('maintenance windows', () => {
  it('accepts a window with notice, within the length, while most capacity stays', () => {
    expect(judgeMaintenance('a', soon, now, rules, [model()])).toEqual({ accepted: true });
    expect(judgeMaintenance('a', soon, now, rules, [model({ b: [soon] })])).toEqual({ accepted: true });
  });

  it('refuses short notice, a window too long or backwards, and too much of a model away at once', () => {
    expect(
      judgeMaintenance('a', { startsAtMs: now + 1_000, endsAtMs: now + 60_000 }, now, rules, [model()]),
    ).toMatchObject({ accepted: false, reason: expect.stringContaining('before it starts') });
    expect(
      judgeMaintenance('a', { startsAtMs: now + 120_000, endsAtMs: now + 120_000 + 2 * 3_600_000 }, now, rules, [
        model(),
      ]),
    ).toMatchObject({ accepted: false, reason: expect.stringContaining('at most') });
    expect(
      judgeMaintenance('a', { startsAtMs: soon.endsAtMs, endsAtMs: soon.startsAtMs }, now, rules, [model()]),
    ).toMatchObject({ accepted: false });
    expect(judgeMaintenance('a', soon, now, rules, [model({ b: [soon], c: [soon] })])).toMatchObject({
      accepted: false,
      reason: expect.stringContaining('75%'),
    });
  });

  it('does not count windows that do not overlap, nor models the host does not serve', () => {
    const later = { startsAtMs: soon.endsAtMs + DRAIN_LEAD_MS + 1, endsAtMs: soon.endsAtMs + 3_600_000 };
    expect(judgeMaintenance('a', soon, now, rules, [model({ b: [later], c: [later] })])).toEqual({ accepted: true });
    const other: ModelCapacity = { modelId: 'other', hosts: [{ hostId: 'x', capacity: 1, windows: [soon] }] };
    expect(judgeMaintenance('a', soon, now, rules, [model(), other])).toEqual({ accepted: true });
  });

  it('drains a host before its window and takes it back after', () => {
    expect(isAway([soon], soon.startsAtMs - DRAIN_LEAD_MS - 1)).toBe(false);
    expect(isAway([soon], soon.startsAtMs - DRAIN_LEAD_MS)).toBe(true);
    expect(isAway([soon], soon.endsAtMs - 1)).toBe(true);
    expect(isAway([soon], soon.endsAtMs)).toBe(false);
  });
});
