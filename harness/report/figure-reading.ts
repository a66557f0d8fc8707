import { NOT_REPORTED, num } from './format.js';

/*
 * How report.html reads one figure's three views, in colour and in words. The two differences
 * mean opposite things and must never look alike:
 *   truth − observed    a blind spot: the pipeline is right, the network cannot see (amber);
 *   observed − reported a pipeline error: the pipeline under test disagrees with the reference
 *                       definitions applied to the same traffic (red).
 * A count whose observed figure is above its truth is no blind spot (a network cannot see more
 * than happened): such a figure is explained where it appears, from NOTES or, failing a note,
 * as a gap in smsim's truth (violet), never painted as either of the two.
 */

export type Reading = 'agree' | 'blind' | 'error' | 'above' | 'observer' | 'unreported';

/** CSS class per reading (the page's CSS gives each its colour). */
export const READING_CLASS: Readonly<Record<Reading, string>> = {
  agree: 'ok',
  blind: 'blind',
  error: 'err',
  above: 'above',
  observer: 'obs',
  unreported: 'nr',
};

/**
 * Figures whose truth is 0, or below observed, by their definition: categories only an observer
 * has (the truth always knows), or readings shown to be compared with the truth.
 */
export const NOTES: Readonly<Record<string, { readonly kind: 'observer' | 'reading'; readonly text: string }>> = {
  'firmware.notMeasurable': {
    kind: 'observer',
    text: 'Not measurable: targets that cannot acknowledge (e.g. IOC/MDS PPMIDs, CH images), so nothing on the wire says whether they received the image. The truth always knows, so its figure is 0: the devices are in "HANs received" or "Failed" there. This is the blind spot of "HANs received", kept apart from failures.',
  },
  'firmware.awaitingAck': {
    kind: 'observer',
    text: 'Awaiting acknowledgement: no signal yet when the run ended (in flight, or the acknowledgement was lost). The truth knows how each delivery ended, so its figure is 0.',
  },
  'firmware.naiveFailed': {
    kind: 'reading',
    text: 'The naive reading ("no acknowledgement = failure") counts every not-measurable and awaiting target as failed; its truth is the real failures. Observed above truth is what that reading gets wrong, not a pipeline error.',
  },
  'alert.notMeasurable': {
    kind: 'observer',
    text: 'Alerts whose CH receipt time the DSP cannot see (CSP North and SMETS1 SP hops are not visible to the DSP, CR1438). The truth sees every hop, so its figure is 0: these alerts are in "Alerts confirmed, CH receipt visible" there. They do not drop out: the interim DSP-only timing below times every alert sent.',
  },
  'srv.excluded': {
    kind: 'reading',
    text: "Truth excludes only the failures a User caused; observed and reported apply the governed exclusion list, which can leave out more (or other) responses. Observed above truth: the list excludes responses that were not the User's doing.",
  },
  'srv.excludedWithinTarget': {
    kind: 'reading',
    text: 'Truth excludes only failures a User caused, never a response within target; the exclusion list can also leave out responses that were within target.',
  },
  'srv.excludedFailures': {
    kind: 'reading',
    text: "Truth excludes only failures a User caused; the exclusion list can leave out failures that were not the User's doing.",
  },
};

export interface FigureReading {
  readonly reading: Reading;
  /** One sentence for the page, or '' when the three views agree. */
  readonly words: string;
}

/** Reads one count: which difference it shows, and the words for it (`again`: shorter, said once above). */
export function readFigure(id: string, truth: number, observed: number, reported: number | null, again = false): FigureReading {
  const note = NOTES[id];
  if (reported !== null && reported !== observed) {
    const d = reported - observed;
    return {
      reading: 'error',
      words: `Pipeline error: the pipeline reports ${num(Math.abs(d))} ${d > 0 ? 'more' : 'fewer'} than the reference definitions count on the same traffic.`,
    };
  }
  const tail = reported === null ? ` The pipeline does not compute this family: ${NOT_REPORTED}, never 0.` : '';
  if (truth > observed) {
    return {
      reading: 'blind',
      words: `Blind spot: ${num(truth - observed)} happened that the network cannot see (truth ${num(truth)}, observed ${num(observed)}). The pipeline reports what can be seen: not its fault.${tail}`,
    };
  }
  if (truth < observed) {
    if (note !== undefined) return { reading: 'observer', words: note.text + tail };
    if (again)
      return {
        reading: 'above',
        words: `Observed above truth by ${num(observed - truth)}: as above, smsim's truth does not count these events.${tail}`,
      };
    return {
      reading: 'above',
      words: `Observed above truth by ${num(observed - truth)}: a network cannot see more than happened, so this is no blind spot. smsim's truth does not count these events (a gap in the simulator's model, not a pipeline error).${tail}`,
    };
  }
  if (reported === null) return { reading: 'unreported', words: tail.trim() };
  return { reading: 'agree', words: '' };
}

/** The most serious of several readings, for a row or a summary (error before blind spot). */
export function worst(readings: readonly Reading[]): Reading {
  for (const r of ['error', 'blind', 'above', 'observer', 'unreported'] as const) if (readings.includes(r)) return r;
  return 'agree';
}
