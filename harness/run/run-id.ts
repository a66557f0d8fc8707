import { createHash } from 'node:crypto';
import { MAX_RUN_ID_BYTES } from '../../simulator/core/domain/wire-limits.js';
import { SmsimError } from '../../simulator/core/errors.js';
import type { ResolvedScenario } from '../../simulator/core/scenario/resolve.js';

/**
 * What a run id may look like: it travels on the wire and names the run in every report. ASCII,
 * so its length in characters is its length in bytes, the wire's limit (wire-limits.ts).
 */
const RUN_ID = new RegExp(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,${MAX_RUN_ID_BYTES - 1}}$`);

/**
 * The default run id: the scenario's name and the first 12 hex digits of sha256 over the
 * resolved scenario (seed, batch size and every setting, keys sorted). So the N shard
 * processes of one run, on one machine or many, and a resumed run agree on it without being
 * told; another seed, scenario or batch size is another run. Two runs of the very same scenario
 * against one long-lived pipeline therefore share an id: the second is refused unless it
 * resumes the first (--resume) or gets its own (--run-id, $SMSIM_RUN_ID, e.g. a CI job id).
 */
export function defaultRunId(scenario: ResolvedScenario): string {
  const digest = scenarioDigest(scenario).slice(0, 12);
  const name = scenario.name
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return `${name === '' ? 'run' : name}-${digest}`;
}

/** sha256 (hex) over the resolved scenario as canonical JSON: what a default run id is made of. */
export function scenarioDigest(scenario: ResolvedScenario): string {
  return createHash('sha256').update(canonicalJson(scenario)).digest('hex');
}

/** --run-id, else $SMSIM_RUN_ID, else the default; a malformed one is refused here, not on the wire. */
export function chooseRunId(scenario: ResolvedScenario, flag: string | undefined, env: string | undefined): string {
  const given = flag ?? (env === undefined || env === '' ? undefined : env);
  if (given === undefined) return defaultRunId(scenario);
  if (!RUN_ID.test(given)) {
    throw new SmsimError(
      'SMSIM_ERR_USAGE',
      `run id "${given.slice(0, 40)}${given.length > 40 ? '…' : ''}" ${flag === undefined ? '($SMSIM_RUN_ID) ' : ''}must be 1–${MAX_RUN_ID_BYTES} letters, digits, '.', '_', ':' or '-', starting with a letter or digit`,
    );
  }
  return given;
}

/** JSON with object keys sorted at every level, so the digest does not depend on key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A shard's stream id within its run: the same in every process, so a run can be resumed. */
export function streamIdOf(shard: number): string {
  return `shard-${String(shard).padStart(4, '0')}`;
}
