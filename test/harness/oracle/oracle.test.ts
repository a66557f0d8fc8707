import { describe, expect, it } from 'vitest';
import { familyOf, reportedFamilies } from '../../../harness/oracle/families.js';
import { joinFigures, mergeRows, totals } from '../../../harness/oracle/join-figures.js';
import { mergeShards, runFingerprint } from '../../../harness/oracle/merge-shards.js';
import type { MetricSample } from '../../../simulator/core/domain/metrics/metric-table.js';

/** The oracle on hand-built figures: the join, "not reported", the shard merge and the row merge. */

const s = (id: string, labels: Record<string, string>, value: number): MetricSample => ({ id, labels, value });

describe('joinFigures', () => {
  it('puts the three views side by side; a figure missing from a view is 0 there; labels come out in name order', () => {
    const rows = joinFigures(
      [s('install.installAndLeave', { region: 'north', day: '2026-03-02' }, 5), s('srv.requests', { srv: '8.1.1' }, 2)],
      [s('install.installAndLeave', { day: '2026-03-02', region: 'north' }, 3)],
      [s('install.installAndLeave', { region: 'north', day: '2026-03-02' }, 1), s('alert.volume', {}, 7)],
    );
    expect(rows).toEqual([
      { id: 'alert.volume', labels: {}, truth: 0, observed: 0, reported: 7 },
      { id: 'install.installAndLeave', labels: { day: '2026-03-02', region: 'north' }, truth: 5, observed: 3, reported: 1 },
      { id: 'srv.requests', labels: { srv: '8.1.1' }, truth: 2, observed: 0, reported: 0 },
    ]);
    expect(Object.keys(rows[1]?.labels ?? {})).toEqual(['day', 'region']);
  });

  it('a family the pipeline does not report is null ("not reported"), never 0, even where the pipeline sent a figure of it', () => {
    const rows = joinFigures(
      [s('install.installAndLeave', {}, 5), s('srv.requests', {}, 2)],
      [s('install.installAndLeave', {}, 4), s('srv.requests', {}, 2)],
      [s('srv.requests', {}, 2), s('install.installAndLeave', {}, 9)],
      new Set(['srv']),
    );
    expect(rows.map((r) => [r.id, r.reported])).toEqual([
      ['install.installAndLeave', null],
      ['srv.requests', 2],
    ]);
    // Summed over labels, a not-reported part makes the total not reported.
    expect(totals([...rows, { id: 'install.installAndLeave', labels: { region: 'north' }, truth: 1, observed: 1, reported: 1 }])).toEqual([
      { id: 'install.installAndLeave', labels: {}, truth: 6, observed: 5, reported: null },
      { id: 'srv.requests', labels: {}, truth: 2, observed: 2, reported: 2 },
    ]);
  });
});

describe('families', () => {
  it('a family is a metric id up to its first dot; what a pipeline reports is declared, said, or else inferred from its figures', () => {
    expect(familyOf('alert.hopLatency')).toBe('alert');
    expect(familyOf('x')).toBe('x');
    const report = { families: ['srv', 'alert'], metrics: [s('srv.requests', {}, 1)] };
    expect([...reportedFamilies(report)].sort()).toEqual(['alert', 'srv']);
    expect([...reportedFamilies(report, ['install'])]).toEqual(['install']);
    expect(
      [
        ...reportedFamilies({ families: [], metrics: [s('srv.requests', {}, 1), s('srv.failures', {}, 0), s('pmr.monthEvents', {}, 3)] }),
      ].sort(),
    ).toEqual(['pmr', 'srv']);
  });
});

describe('the shard merge', () => {
  it('adds truth and observed over shards and fingerprints them in shard order, whatever order they finished in', () => {
    const a = {
      shard: 0,
      fingerprint: 'aa',
      truth: [s('srv.requests', { srv: '8.1.1' }, 2)],
      observed: [s('srv.requests', { srv: '8.1.1' }, 2)],
    };
    const b = {
      shard: 1,
      fingerprint: 'bb',
      truth: [s('srv.requests', { srv: '8.1.1' }, 3), s('alert.volume', {}, 1)],
      observed: [s('srv.requests', { srv: '8.1.1' }, 1)],
    };
    const merged = mergeShards([b, a]);
    expect(merged).toEqual(mergeShards([a, b]));
    expect(merged.truth).toEqual([s('alert.volume', {}, 1), s('srv.requests', { srv: '8.1.1' }, 5)]);
    expect(merged.observed).toEqual([s('srv.requests', { srv: '8.1.1' }, 3)]);
    expect(merged.fingerprint).toBe(runFingerprint([a, b]));
    expect(runFingerprint([a, b])).not.toBe(
      runFingerprint([
        { ...a, fingerprint: 'bb' },
        { ...b, fingerprint: 'aa' },
      ]),
    );
  });

  it('merges the rows of disjoint shard sets: figures add up, a reported null stays null', () => {
    const part1 = [
      { id: 'srv.requests', labels: { srv: '8.1.1' }, truth: 2, observed: 2, reported: 2 },
      { id: 'install.installAndLeave', labels: {}, truth: 1, observed: 1, reported: null },
    ];
    const part2 = [
      { id: 'srv.requests', labels: { srv: '8.1.1' }, truth: 3, observed: 1, reported: 1 },
      { id: 'alert.volume', labels: {}, truth: 4, observed: 4, reported: 4 },
    ];
    expect(mergeRows([part1, part2])).toEqual([
      { id: 'alert.volume', labels: {}, truth: 4, observed: 4, reported: 4 },
      { id: 'install.installAndLeave', labels: {}, truth: 1, observed: 1, reported: null },
      { id: 'srv.requests', labels: { srv: '8.1.1' }, truth: 5, observed: 3, reported: 3 },
    ]);
  });
});
