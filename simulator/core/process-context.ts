import type { EventBatchBuilder, EventFields } from './domain/event-batch.js';
import type { PremisesSampler, ShardEstate } from './estate.js';
import type { EventQueue } from './event-queue.js';
import type { OutageSchedule } from './outages.js';
import type { Rng } from './rng.js';
import type { ResolvedScenario } from './scenario/resolve.js';
import { ACTIONS_PER_PROCESS, type SimContext } from './sim-context.js';

/** Action 0 of the core (process slot 0) emits a deferred event. */
export const CORE_EMIT = 0;

/**
 * What every process of a shard shares: the clock, the queue, the builder, the deferred events.
 * A class, so `now` is a double field updated in place (a closure's `let now` boxed a new
 * number on every action).
 */
export class ShardCore {
  now: number;
  idCounter = 0;
  readonly deferred: Array<EventFields | undefined> = [];
  readonly freeSlots: number[] = [];

  constructor(
    readonly scenario: ResolvedScenario,
    readonly shard: number,
    readonly estate: ShardEstate,
    readonly sampler: PremisesSampler,
    readonly outages: OutageSchedule,
    readonly queue: EventQueue,
    readonly builder: EventBatchBuilder,
    readonly rngFor: (name: string) => Rng,
  ) {
    this.now = scenario.startMs;
  }

  emit(fields: EventFields): void {
    fields.timeMs = this.now;
    this.builder.add(fields);
  }
}

/**
 * A process's SimContext. A class rather than an object literal: a literal with a getter (`now`)
 * is a dictionary-mode object in V8, so each `ctx.now`, `ctx.schedule(…)`, `ctx.emitEvent(…)`
 * in a process was a hash lookup; every context of every shard now shares one map and the
 * calls inline. Measured on 4 gb-day shards (old and new build alternated in one process, CPU
 * time, per-shard minimum of 5 rounds): simulating 0.812 → 0.635 µs an event (-22 %).
 */
export class ProcessContext implements SimContext {
  private readonly actionBase: number;
  private readonly endMs: number;

  constructor(
    private readonly core: ShardCore,
    private readonly processIndex: number,
  ) {
    this.actionBase = processIndex * ACTIONS_PER_PROCESS;
    this.endMs = core.scenario.endMs;
  }

  get scenario(): ResolvedScenario {
    return this.core.scenario;
  }

  get shard(): number {
    return this.core.shard;
  }

  get estate(): ShardEstate {
    return this.core.estate;
  }

  get sampler(): PremisesSampler {
    return this.core.sampler;
  }

  get outages(): OutageSchedule {
    return this.core.outages;
  }

  get now(): number {
    return this.core.now;
  }

  rng(name: string): Rng {
    return this.core.rngFor(`process:${this.processIndex}:${name}`);
  }

  schedule(time: number, localAction: number, a = 0, b = 0): void {
    const now = this.core.now;
    if (time < now) throw new RangeError(`cannot schedule in the past (${time} < ${now})`);
    if (time <= this.endMs) this.core.queue.push(time, this.actionBase + localAction, a, b);
  }

  emit(fields: EventFields): void {
    this.core.emit(fields);
  }

  emitEvent(
    kind: number,
    device: number,
    deviceType: number,
    network: number,
    code: string,
    requestId: number,
    user: number,
    outcome: number,
    ref: number,
    value: number,
  ): void {
    this.core.builder.addEvent(kind, this.core.now, device, deviceType, network, code, requestId, user, outcome, ref, value);
  }

  emitAlert(
    kind: number,
    device: number,
    deviceType: number,
    network: number,
    code: string,
    alertId: number,
    user: number,
    ref: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
  ): void {
    this.core.builder.addAlert(kind, this.core.now, device, deviceType, network, code, alertId, user, ref, h0, h1, h2, h3);
  }

  emitAt(time: number, fields: EventFields): void {
    const core = this.core;
    if (time < core.now) throw new RangeError(`cannot emit in the past (${time} < ${core.now})`);
    if (time > this.endMs) return;
    const slot = core.freeSlots.pop() ?? core.deferred.length;
    core.deferred[slot] = fields;
    core.queue.push(time, CORE_EMIT, slot);
  }

  nextId(): number {
    return ++this.core.idCounter;
  }
}
