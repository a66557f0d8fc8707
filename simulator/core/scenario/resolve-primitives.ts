import { NETWORK_BY_LABEL } from '../domain/vocabulary.js';
import { parseDuration } from '../time.js';

/* Building blocks of scenario resolution, shared by the resolvers of each block. */

/** A validated duration in ms, or `fallback` when the scenario leaves it out. */
export const msOr = (d: string | undefined, fallback: number): number => (d === undefined ? fallback : (parseDuration(d) as number));

/** The proto Network number of a validated region or cohort label. */
export const networkNumber = (label: string): number => NETWORK_BY_LABEL[label] ?? 0;
