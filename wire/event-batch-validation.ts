import type { EventBatchView } from '../simulator/core/domain/event-batch.js';
import { HOPS_PER_ALERT, isAlertKind, isIncidentKind } from '../simulator/core/domain/event-batch.js';
import {
  DEVICE_TYPE_MAX,
  EVENT_KIND_MAX,
  EventKind,
  NETWORK_MAX,
  OUTCOME_MAX,
  RESOLVER_GROUP_MAX,
} from '../simulator/core/domain/vocabulary.js';
import { MAX_EVENT_TIME_MS, MAX_EVENTS_PER_BATCH, MIN_EVENT_TIME_MS } from '../simulator/core/domain/wire-limits.js';
import type { DecodedColumns } from './columnar-decoder.js';
import { EVENT_COLUMNS } from './columnar-wire.js';
import { invalid } from './wire-invalid.js';

/*
 * What a decoded EventBatch must satisfy before a pipeline applies it (docs/wire.md, "What a
 * batch must satisfy"). Every problem is an SMSIM_ERR_BATCH_INVALID naming the column and index.
 */

/**
 * Kinds that are about one particular device, so device 0 ("no device", events.proto) is refused
 * rather than counted against nobody. The pipeline has no inventory of its own to check a
 * non-zero number against: "unknown device" means device 0 where a device is required.
 */
function requiresDevice(kind: number): boolean {
  return kind === EventKind.DEVICE_LIST_ENTRY || kind === EventKind.DEVICE_ALERT || kind === EventKind.INVENTORY;
}

const DENSE_COLUMNS = EVENT_COLUMNS.filter((c) => c.dense);

/** Every value of `col` is in [min, max]; otherwise throws BATCH_INVALID naming `column` and the first bad index. */
function checkRange(col: ArrayLike<number>, column: string, min: number, max: number): void {
  for (let i = 0; i < col.length; i++) {
    const v = col[i] as number;
    if (v < min || v > max) {
      throw invalid(`EventBatch.${column}[${i}] = ${v} is out of range ${min}..${max}`, {
        column,
        index: i,
        value: v,
      });
    }
  }
}

/** 64-bit columns decode to doubles: a value past 2^53 would silently lose digits, so refuse it. */
function checkSafe(col: ArrayLike<number>, column: string): void {
  for (let i = 0; i < col.length; i++) {
    const v = col[i] as number;
    if (!Number.isSafeInteger(v)) {
      throw invalid(`EventBatch.${column}[${i}] = ${v} is not an integer below 2^53`, {
        column,
        index: i,
        value: v,
      });
    }
  }
}

/** Every dense column's values are in range and safe integers: one cheap pass, no messages. */
function denseColumnsValid(m: DecodedColumns, dictLength: number): boolean {
  const n = m.eventCount;
  const { kind, deviceType, network, outcome, code, timeDeltaMs, device, requestId, ref, value } = m;
  for (let i = 0; i < n; i++) {
    const k = kind[i] as number;
    const t = deviceType[i] as number;
    const w = network[i] as number;
    const o = outcome[i] as number;
    const c = code[i] as number;
    if (
      k < 1 ||
      k > EVENT_KIND_MAX ||
      t < 0 ||
      t > DEVICE_TYPE_MAX ||
      w < 0 ||
      w > NETWORK_MAX ||
      o < 0 ||
      o > OUTCOME_MAX ||
      c < 0 ||
      c >= dictLength
    )
      return false;
    if (
      !Number.isSafeInteger(timeDeltaMs[i]) ||
      !Number.isSafeInteger(device[i]) ||
      !Number.isSafeInteger(requestId[i]) ||
      !Number.isSafeInteger(ref[i]) ||
      !Number.isSafeInteger(value[i])
    )
      return false;
  }
  return true;
}

/**
 * Checks decoded columns against the contract and returns them as the batch view (no copy).
 * A batch that passes the one-pass check (every batch of a well-behaved emitter) skips the
 * per-column checks that name the first bad value.
 */
export function validateEventBatch(m: DecodedColumns): EventBatchView {
  const n = m.eventCount;
  if (n > MAX_EVENTS_PER_BATCH) {
    throw invalid(`EventBatch.event_count = ${n} exceeds the limit of ${MAX_EVENTS_PER_BATCH}`, {
      column: 'event_count',
      value: n,
    });
  }
  for (const { key, proto: column } of DENSE_COLUMNS) {
    const length = m[key].length;
    if (length !== n) {
      throw invalid(`EventBatch.${column} has ${length} entries, event_count is ${n}`, {
        column,
        length,
        eventCount: n,
      });
    }
  }
  const dict = m.dictionary;
  if (dict.length > 0 && dict[0] !== '') {
    throw invalid(`EventBatch.dictionary[0] must be "" (no code)`, { column: 'dictionary', index: 0 });
  }
  if (!Number.isSafeInteger(m.baseTimeMs)) {
    throw invalid(`EventBatch.base_time_ms = ${m.baseTimeMs} is not an integer below 2^53`, {
      column: 'base_time_ms',
      value: m.baseTimeMs,
    });
  }
  // The per-column checks name the first bad value; a batch that passes the one-pass check
  // (every batch of a well-behaved emitter) skips them.
  if (!denseColumnsValid(m, dict.length)) {
    checkRange(m.kind, 'kind', 1, EVENT_KIND_MAX);
    checkRange(m.deviceType, 'device_type', 0, DEVICE_TYPE_MAX);
    checkRange(m.network, 'network', 0, NETWORK_MAX);
    checkRange(m.outcome, 'outcome', 0, OUTCOME_MAX);
    checkRange(m.code, 'code', 0, dict.length - 1);
    checkSafe(m.timeDeltaMs, 'time_delta_ms');
    checkSafe(m.device, 'device');
    checkSafe(m.requestId, 'request_id');
    checkSafe(m.ref, 'ref');
    checkSafe(m.value, 'value');
  }
  checkRange(m.resolverGroup, 'resolver_group', 0, RESOLVER_GROUP_MAX);
  checkSafe(m.hopDeltaMs, 'hop_delta_ms');
  let alerts = 0;
  let incidents = 0;
  let previous = -Infinity;
  for (let i = 0; i < n; i++) {
    const k = m.kind[i] as number;
    if (isAlertKind(k)) alerts++;
    else if (isIncidentKind(k)) incidents++;
    // An event time must be representable too, not just its delta.
    const t = m.baseTimeMs + (m.timeDeltaMs[i] as number);
    if (!Number.isSafeInteger(t)) {
      throw invalid(`EventBatch.time_delta_ms[${i}]: event time ${t} is not an integer below 2^53`, {
        column: 'time_delta_ms',
        index: i,
      });
    }
    if (t < MIN_EVENT_TIME_MS || t >= MAX_EVENT_TIME_MS) {
      throw invalid(
        `EventBatch.time_delta_ms[${i}]: event time ${t} is outside ${new Date(MIN_EVENT_TIME_MS).toISOString()}..${new Date(MAX_EVENT_TIME_MS).toISOString()}`,
        {
          column: 'time_delta_ms',
          index: i,
          value: t,
        },
      );
    }
    // events.proto: within a stream, events are in non-decreasing time order.
    if (t < previous) {
      throw invalid(`EventBatch.time_delta_ms[${i}]: event time ${t} is before the previous event's ${previous}`, {
        column: 'time_delta_ms',
        index: i,
        value: t,
      });
    }
    previous = t;
    if (requiresDevice(k) && (m.device[i] as number) === 0) {
      throw invalid(`EventBatch.device[${i}] = 0 (no device), but a kind ${k} event is about a device`, {
        column: 'device',
        index: i,
        value: 0,
      });
    }
  }
  if (m.hopDeltaMs.length !== alerts * HOPS_PER_ALERT) {
    throw invalid(`EventBatch.hop_delta_ms has ${m.hopDeltaMs.length} entries, expected ${HOPS_PER_ALERT} × ${alerts} alert events`, {
      column: 'hop_delta_ms',
      length: m.hopDeltaMs.length,
      alerts,
    });
  }
  if (m.resolverGroup.length !== incidents) {
    throw invalid(`EventBatch.resolver_group has ${m.resolverGroup.length} entries, expected one per incident event (${incidents})`, {
      column: 'resolver_group',
      length: m.resolverGroup.length,
      incidents,
    });
  }
  // The decoded columns are the view: same fields, no copy.
  return m;
}
