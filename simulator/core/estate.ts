import { DeviceType, Network } from './domain/vocabulary.js';
import { cumulative, type Rng } from './rng.js';
import type { ResolvedScenario } from './scenario/resolve.js';

/**
 * Device slots at a premises. A device's number is derived from (shard, premises, slot), so no
 * id is ever stored or sent as a string, and numbers are the same whatever the worker count.
 */
export const Slot = {
  CH: 0,
  ESME: 1,
  GSME: 2,
  GPF: 3,
  IHD: 4,
  PPMID: 5,
  /** A CH found faulty at the visit and returned with 8.14.3. */
  FAULTY_CH: 6,
  /** A spare CH returned unused with 8.14.4. */
  RETURNED_CH: 7,
} as const;
export const SLOTS = 8;
/** Premises numbers reserved per shard (2^24): room for growth by installs. */
export const PREMISES_PER_SHARD_SPACE = 16_777_216;

export const SLOT_DEVICE_TYPE: readonly number[] = [
  DeviceType.CH,
  DeviceType.ESME,
  DeviceType.GSME,
  DeviceType.GPF,
  DeviceType.IHD,
  DeviceType.PPMID,
  DeviceType.CH,
  DeviceType.CH,
];

export function deviceNumber(shard: number, premises: number, slot: number): number {
  return (shard * PREMISES_PER_SHARD_SPACE + premises) * SLOTS + slot + 1;
}

/** The premises-local slot of a device number. */
export function slotOf(device: number): number {
  return (device - 1) % SLOTS;
}

/** A person-readable EUI-64 for a device number ("00-DB-00-00-00-01-2C-41"). */
export function deviceEui64(device: number): string {
  const hex = device.toString(16).toUpperCase().padStart(12, '0').slice(-12);
  return `00-DB-${hex.match(/../g)?.join('-') ?? hex}`;
}

export const PremisesFlag = {
  GAS: 1,
  PPMID: 2,
  /** The premises' CH runs SECMP0007 firmware able to deliver PPMID images (set with the models). */
  CH_PPMID_FIRMWARE: 4,
} as const;

/**
 * Device-model slots per premises (CH, ESME, GSME, PPMID: the devices firmware reaches). The
 * `models` and firmware arrays hold MODEL_SLOTS bytes per premises.
 */
export const MODEL_SLOTS = 4;
/** The model slot of a premises slot, or -1 for devices without a modelled firmware state. */
export function modelSlotOf(slot: number): number {
  return slot === Slot.CH ? 0 : slot === Slot.ESME ? 1 : slot === Slot.GSME ? 2 : slot === Slot.PPMID ? 3 : -1;
}

/**
 * One shard's premises as struct-of-arrays: a few bytes per premises, so the whole GB estate
 * fits in memory. Grows (doubling) as installs add premises.
 */
export class ShardEstate {
  readonly shard: number;
  /** Premises in service at the start of the run. */
  readonly initialCount: number;
  count = 0;
  network: Uint8Array;
  flags: Uint8Array;
  user: Uint16Array;
  /** Device model per (premises, model slot): 0 = not yet assigned, else model index + 1. */
  models: Uint8Array;
  /** Firmware version running per (premises, model slot): 0 = the factory image. */
  firmware: Uint8Array;
  /** Firmware version received and held, not yet activated, per (premises, model slot): 0 = none. */
  pendingFirmware: Uint8Array;

  constructor(shard: number, initialCount: number, capacity: number) {
    this.shard = shard;
    this.initialCount = initialCount;
    const cap = Math.max(16, capacity);
    this.network = new Uint8Array(cap);
    this.flags = new Uint8Array(cap);
    this.user = new Uint16Array(cap);
    this.models = new Uint8Array(cap * MODEL_SLOTS);
    this.firmware = new Uint8Array(cap * MODEL_SLOTS);
    this.pendingFirmware = new Uint8Array(cap * MODEL_SLOTS);
  }

  add(network: number, flags: number, user: number): number {
    if (this.count === this.network.length) this.grow();
    const p = this.count++;
    this.network[p] = network;
    this.flags[p] = flags;
    this.user[p] = user;
    return p;
  }

  device(premises: number, slot: number): number {
    return deviceNumber(this.shard, premises, slot);
  }

  hasGas(p: number): boolean {
    return ((this.flags[p] as number) & PremisesFlag.GAS) !== 0;
  }

  hasPpmid(p: number): boolean {
    return ((this.flags[p] as number) & PremisesFlag.PPMID) !== 0;
  }

  /** Bytes held by the typed arrays (for the memory benchmark). */
  get bytes(): number {
    return (
      this.network.byteLength +
      this.flags.byteLength +
      this.user.byteLength +
      this.models.byteLength +
      this.firmware.byteLength +
      this.pendingFirmware.byteLength
    );
  }

  private grow(): void {
    const cap = this.network.length * 2;
    const n = new Uint8Array(cap);
    n.set(this.network);
    this.network = n;
    const f = new Uint8Array(cap);
    f.set(this.flags);
    this.flags = f;
    const u = new Uint16Array(cap);
    u.set(this.user);
    this.user = u;
    this.models = grown(this.models, cap * MODEL_SLOTS);
    this.firmware = grown(this.firmware, cap * MODEL_SLOTS);
    this.pendingFirmware = grown(this.pendingFirmware, cap * MODEL_SLOTS);
  }
}

function grown(a: Uint8Array, length: number): Uint8Array {
  const b = new Uint8Array(length);
  b.set(a);
  return b;
}

/** Draws the attributes of new premises (network, gas, PPMID, Service User). */
export class PremisesSampler {
  private readonly regionCum: Float64Array;
  private readonly cohortCum: Float64Array;
  private readonly userCum: Float64Array;

  constructor(private readonly scenario: ResolvedScenario) {
    const e = scenario.estate;
    this.regionCum = cumulative([e.regions.north, e.regions.central, e.regions.south]);
    this.cohortCum = cumulative([e.cohorts.ioc, e.cohorts.moc, e.cohorts.foc]);
    this.userCum = cumulative(scenario.serviceUsers.map((u) => u.share));
  }

  /** A SMETS2 region network (CSP North / Central / South). */
  region(rng: Rng): number {
    return Network.CSP_NORTH + rng.pickCumulative(this.regionCum);
  }

  network(rng: Rng): number {
    if (rng.chance(this.scenario.estate.smets1Share)) return Network.SMETS1_IOC + rng.pickCumulative(this.cohortCum);
    return this.region(rng);
  }

  flags(rng: Rng): number {
    let f = 0;
    if (rng.chance(this.scenario.estate.gasShare)) f |= PremisesFlag.GAS;
    if (rng.chance(this.scenario.estate.ppmidShare)) f |= PremisesFlag.PPMID;
    return f;
  }

  /** 1-based Service User number. */
  user(rng: Rng): number {
    return 1 + rng.pickCumulative(this.userCum);
  }
}

/** Builds a shard's initial estate from its own substream. */
export function buildShardEstate(shard: number, count: number, rng: Rng, sampler: PremisesSampler): ShardEstate {
  const estate = new ShardEstate(shard, count, count + 64);
  for (let i = 0; i < count; i++) estate.add(sampler.network(rng), sampler.flags(rng), sampler.user(rng));
  return estate;
}
