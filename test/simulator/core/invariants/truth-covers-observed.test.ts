import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseScenarioText } from '../../../../harness/scenario/load-scenario.js';
import { OBSERVED_MAY_EXCEED_TRUTH } from '../../../../simulator/core/domain/metrics/blind-spots.js';
import { metricKey, type MetricSample } from '../../../../simulator/core/domain/metrics/metric-table.js';
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

const isCount = (s: MetricSample): boolean => !s.id.endsWith('Ms') && s.labels.bucket === undefined;

describe('truth ≥ observed for every count, in every scenario', () => {
  it('finds the scenarios', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(9);
  });

  for (const file of FILES) {
    it(`${file}: no negative blind spot`, () => {
      const sim = createShardSimulation(parseScenarioText(shrunk(file), file), 0);
      while (sim.nextBatch() !== null);
      const truth = new Map(sim.truth().map((s) => [metricKey(s.id, s.labels), s.value]));
      const observed = sim.observed().filter(isCount);
      expect(observed.length).toBeGreaterThan(0);
      const negative = observed
        .filter((s) => OBSERVED_MAY_EXCEED_TRUTH[s.id] === undefined)
        .filter((s) => s.value > (truth.get(metricKey(s.id, s.labels)) ?? 0))
        .map((s) => `${s.id}${JSON.stringify(s.labels)} truth ${truth.get(metricKey(s.id, s.labels)) ?? 0} < observed ${s.value}`);
      expect(negative).toEqual([]);
    }, 120_000);
  }
});
