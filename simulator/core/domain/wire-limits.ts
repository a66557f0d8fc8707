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

/*
 * What else a client controls on the wire, bounded so that nothing it sends can grow a pipeline's
 * memory or its Report without limit (docs/wire.md#limits). Before these existed, 70 requests
 * with a new 4 MiB stream id each were journalled: the pipeline's RSS went 84 → 432 MiB and
 * every later Report was larger than a client would take, even after a restart.
 */

/** Longest stream id, in UTF-8 bytes: smsim's own are `shard-NNNN` (10). */
export const MAX_STREAM_ID_BYTES = 128;

/** Longest run id, in UTF-8 bytes: the CLI's rule (1–128 of [A-Za-z0-9._:-], run-id.ts) fits exactly. */
export const MAX_RUN_ID_BYTES = 128;

/**
 * Most shards a scenario may have, and so most streams one smsim run opens: the reference
 * pipeline's default streams-per-run limit is the same number, so a scenario that validates is
 * never refused by a default pipeline for its size. 40 M premises at the default 10,000 per
 * shard is 4,000 shards; GB (17.8 M) at 100,000 is 178.
 */
export const MAX_SHARDS = 4096;

/**
 * Largest Report (or ListRuns) response: the server never sends more and smsim's client takes
 * exactly this much. Stream ids and the counts above bound its delivery part (4,096 streams of
 * 128-byte ids: 0.54 MiB, measured); figures are labelled by enums, days and months, not by
 * premises: the default scenario (7 days) reports 4,326 figures in 0.35 MiB (measured), and
 * only day labels grow with a run's length, so a month is a few times that, far below this.
 */
export const MAX_REPORT_BYTES = 64 * 1024 * 1024;
