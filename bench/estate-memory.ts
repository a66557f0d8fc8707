import { PremisesSampler, buildShardEstate, type ShardEstate } from '../simulator/core/estate.js';
import { createRng } from '../simulator/core/rng.js';
import { GB } from '../simulator/core/domain/gb-figures.js';
import { isSmets1 } from '../simulator/core/domain/vocabulary.js';
import { parseScenarioText } from '../harness/scenario/load-scenario.js';

/** Devices at a premises: CH (SMETS2), ESME, IHD, GSME + GPF (gas; GPF on SMETS2 only), PPMID. */
function devices(estate: ShardEstate): number {
  let n = 0;
  for (let p = 0; p < estate.count; p++) {
    const smets2 = !isSmets1(estate.network[p] as number);
    n += 2 + (smets2 ? 1 : 0);
    if (estate.hasGas(p)) n += smets2 ? 2 : 1;
    if (estate.hasPpmid(p)) n += 1;
  }
  return n;
}

/**
 * Memory of the estate: the struct-of-arrays bytes per premises and per device, measured on
 * `premises` GB-shaped premises in shards of 100,000, and what the whole GB estate takes.
 */
export function estateMemory(premises: number): { bytesPerPremises: number; bytesPerDevice: number; gbEstateBytes: number } {
  const scenario = parseScenarioText(
    `name: m\nseed: 1\nstart: "2026-03-02"\nduration: 1d\nestate: { premises: ${premises} }\nserviceUsers: [{ name: A, share: 1 }]\n`,
    'estate-memory',
  );
  const sampler = new PremisesSampler(scenario);
  let bytes = 0;
  let deviceCount = 0;
  const shardSize = 100_000;
  for (let s = 0; s * shardSize < premises; s++) {
    const estate = buildShardEstate(s, Math.min(shardSize, premises - s * shardSize), createRng(`estate-${s}`), sampler);
    bytes += estate.bytes;
    deviceCount += devices(estate);
  }
  const perPremises = bytes / premises;
  return {
    bytesPerPremises: Math.round(perPremises * 10) / 10,
    bytesPerDevice: Math.round((bytes / deviceCount) * 10) / 10,
    gbEstateBytes: Math.round(perPremises * GB.premises),
  };
}
