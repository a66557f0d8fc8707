import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAMILY_LABELS, LABEL_VALUES } from '../../../harness/expect/metric-labels.js';
import { familyOf } from '../../../harness/oracle/families.js';
import { parseScenarioText } from '../../../harness/scenario/load-scenario.js';
import { METRIC_IDS } from '../../../simulator/core/domain/metrics/engine.js';
import { createShardSimulation } from '../../../simulator/core/shard-simulation.js';

/** Scenarios that between them produce every family (shard 0 of each). */
const SCENARIOS = ['default', 'firmware-rollout', 'month-end', 'alert-storm-north', 'ioc-mds-ppmid-no-ack'];

describe('the label table expectations are checked against', () => {
  it('has every family the metric definitions produce', () => {
    expect(Object.keys(FAMILY_LABELS).sort()).toEqual([...new Set([...METRIC_IDS].map(familyOf))].sort());
  });

  it('lists every label, and every value of a closed label, the metric definitions put on rows (truth and observed)', () => {
    const families = new Set<string>();
    const unknown = new Set<string>();
    for (const name of SCENARIOS) {
      const scenario = parseScenarioText(readFileSync(`scenarios/${name}.yaml`, 'utf8'), name);
      const sim = createShardSimulation(scenario, 0);
      while (sim.nextBatch() !== null);
      for (const row of [...sim.truth(), ...sim.observed()]) {
        const family = familyOf(row.id);
        families.add(family);
        for (const [label, value] of Object.entries(row.labels)) {
          if (!(FAMILY_LABELS[family] ?? []).includes(label)) unknown.add(`${family}: label ${label} (${row.id})`);
          const values = LABEL_VALUES[label];
          if (values !== undefined && !values.includes(value)) unknown.add(`${label}=${value} (${row.id})`);
        }
      }
    }
    expect([...unknown]).toEqual([]);
    // The check covered every family.
    expect([...families].sort()).toEqual(Object.keys(FAMILY_LABELS).sort());
  });
});
