import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/load-scenario.js';
import { createShardSimulation } from '../../simulator/core/shard-simulation.js';

/*
 * Virtual time is integer ms and every column is an integer (events.proto): a fractional value
 * would be truncated differently by the encoder than by the simulator's own observed figures. The
 * first shard of every scenario (gb-* excepted: too big for a unit test) is checked to the end.
 */
const files = readdirSync('scenarios').filter((f) => f.endsWith('.yaml') && !f.startsWith('gb-'));
const COLUMNS = [
  'kind',
  'timeDeltaMs',
  'device',
  'deviceType',
  'network',
  'code',
  'requestId',
  'user',
  'outcome',
  'ref',
  'value',
  'hopDeltaMs',
  'resolverGroup',
] as const;

describe('every emitted column value is an integer', () => {
  it.each(files)('%s, shard 0', async (file) => {
    const { scenario } = await loadScenario(join('scenarios', file));
    const sim = createShardSimulation(scenario, 0);
    let checked = 0;
    for (let b = sim.nextBatch(); b !== null; b = sim.nextBatch()) {
      expect(Number.isInteger(b.baseTimeMs)).toBe(true);
      for (const c of COLUMNS) {
        const col = b[c];
        for (let i = 0; i < col.length; i++) {
          if (!Number.isInteger(col[i])) throw new Error(`${file}: ${c}[${i}] = ${col[i]} is not an integer`);
        }
      }
      checked += b.eventCount;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
