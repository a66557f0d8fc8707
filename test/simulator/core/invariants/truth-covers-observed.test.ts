import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseScenarioText } from '../../../../harness/scenario/load-scenario.js';
import { negativeBlindSpots } from '../../../../simulator/core/domain/metrics/blind-spots.js';
import type { MetricSample } from '../../../../simulator/core/domain/metrics/metric-table.js';
import { createShardSimulation } from '../../../../simulator/core/shard-simulation.js';

/**
 * A blind spot is truth − observed: what devices experienced that the wire does not show. For a
 * count it can never be negative; every observed count must have happened. Checked on every
 * scenario the project ships, shrunk to one shard of at most 4,000 premises so it stays quick.
 * The ids that count the DCC's *ignorance* (e.g. "not measurable") are the documented exception
 * (`OBSERVED_MAY_EXCEED_TRUTH`), each with its reason.
 */
const DIR = join(import.meta.dirname, '../../../../scenarios');
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const MAX_PREMISES = 4000;

/** The scenario with its estate cut down to one shard of at most MAX_PREMISES. */
function shrunk(file: string): string {
  const doc = parse(readFileSync(join(DIR, file), 'utf8')) as { estate: { premises: number; premisesPerShard?: number } };
  doc.estate.premises = Math.min(doc.estate.premises, MAX_PREMISES);
  doc.estate.premisesPerShard = doc.estate.premises;
  return stringify(doc);
}

const s = (id: string, labels: Record<string, string>, value: number): MetricSample => ({ id, labels, value });

describe('negative blind spots, on hand-built figures', () => {
  // "A blind spot is truth − observed and can never be negative for a count."
  it('flags a count observed above its truth, a count the truth lacks, and nothing else', () => {
    const v = { code: 'N60', kind: 'dcc', network: 'central', smets: 'smets2', month: '2026-03' };
    const truth = [s('alert.volume', v, 5), s('firmware.targets', { campaign: 'v1' }, 3)];
    const observed = [
      s('alert.volume', v, 5), // equal: fine
      s('alert.volume', { ...v, code: 'N61' }, 2), // missing from the truth: 0 < 2
      s('firmware.targets', { campaign: 'v1' }, 4), // 3 < 4
      s('firmware.notMeasurable', { campaign: 'v1' }, 9), // the DCC's ignorance: exempt
      s('alert.hopLatency', { hop: 'ch-csp', network: 'central', bucket: '1000' }, 7), // a distribution
      s('firmware.timeToReceiptMs', { campaign: 'v1', bucket: '1000' }, 7),
    ];
    expect(negativeBlindSpots(truth, observed)).toEqual([
      { id: 'alert.volume', labels: { ...v, code: 'N61' }, truth: 0, observed: 2 },
      { id: 'firmware.targets', labels: { campaign: 'v1' }, truth: 3, observed: 4 },
    ]);
  });
});

describe('truth ≥ observed for every count, in every scenario', () => {
  it('finds the scenarios', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(9);
  });

  for (const file of FILES) {
    it(`${file}: no negative blind spot`, () => {
      const sim = createShardSimulation(parseScenarioText(shrunk(file), file), 0);
      while (sim.nextBatch() !== null);
      const observed = sim.observed();
      expect(observed.length).toBeGreaterThan(0);
      const negative = negativeBlindSpots(sim.truth(), observed).map(
        (n) => `${n.id}${JSON.stringify(n.labels)} truth ${n.truth} < observed ${n.observed}`,
      );
      expect(negative).toEqual([]);
    }, 120_000);
  }
});
