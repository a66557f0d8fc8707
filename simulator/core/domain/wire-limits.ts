/*
 * The wire's limits on an EventBatch, defined once beside the batch view (event-batch.ts): the
 * codec refuses a batch past them (wire/codec.ts) and the scenario schema refuses a scenario
 * that would produce one (scenario/schema.ts, scenario/schema-primitives.ts), so a scenario that
 * validates can never be refused by the pipeline for its shape.
 */

/** More events than this in one batch is refused before any column is read (~1000 is normal). */
export const MAX_EVENTS_PER_BATCH = 100_000;

/**
 * Event times outside [MIN_EVENT_TIME_MS, MAX_EVENT_TIME_MS) are refused as absurd (a unit
 * mix-up: seconds or µs for ms, or an unset base time). The DCC's SMETS2 service started in 2016;
 * a run in the 22nd century is a bug. Integer ms since the Unix epoch.
 */
export const MIN_EVENT_TIME_MS = Date.UTC(2000, 0, 1);
export const MAX_EVENT_TIME_MS = Date.UTC(2100, 0, 1);
