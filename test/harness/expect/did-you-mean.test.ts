import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../../harness/expect/did-you-mean.js';
import { parseExpectations } from '../../../harness/expect/expectations.js';

describe('didYouMean', () => {
  const keys = ['premises', 'premisesPerShard', 'smets1Share', 'regions', 'cohorts', 'gasShare', 'ppmidShare'];

  it('offers the closest known name for a slip of the keyboard', () => {
    expect(didYouMean('premisses', keys)).toBe('premises');
    expect(didYouMean('premisesPerShrad', keys)).toBe('premisesPerShard');
    expect(didYouMean('region', keys)).toBe('regions');
    expect(didYouMean('GasShare', keys)).toBe('gasShare');
    expect(didYouMean('lots', ['sent', 'acked', 'lost'])).toBe('lost');
  });

  it('offers nothing for a name that is nothing like a known one, or that is known', () => {
    expect(didYouMean('colour', keys)).toBeUndefined();
    expect(didYouMean('flats', keys)).toBeUndefined();
    expect(didYouMean('premises', keys)).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});

describe('expectation errors', () => {
  it('number every bad expectation by its own place in the list, all at once', () => {
    let err: unknown;
    try {
      parseExpectations(['run.lost == 0', 'run.lots == 0', 'run.sent == 1', 'srv.request.reported > 0']);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'SMSIM_ERR_EXPECT_SYNTAX' });
    expect((err as { details: { issues: string[] } }).details.issues).toEqual([
      'expectation 2 "run.lots == 0": unknown run field "lots" (did you mean "lost"?) (known: sent, acked, lost, duplicates, resent, rejected, batches, wallSeconds, eventsPerSecond, peakRssBytes, scheduleLagP99, ackLatencyP99)',
      'expectation 4 "srv.request.reported > 0": unknown metric "srv.request" (did you mean "srv.requests"?) (see docs/metrics.md)',
    ]);
  });

  it('refuse a label the metric does not carry and a value its label cannot take, with the one meant', () => {
    expect(() => parseExpectations(['install.installAndLeave{network=north}.truth == 0'])).toThrow(
      '"install.installAndLeave" has no label "network" (its labels: region, day, month, category)',
    );
    expect(() => parseExpectations(['install.installAndLeave{region=nort}.truth == 0'])).toThrow(
      'label region has no value "nort" (did you mean "north"?) (one of: north, central, south, ioc, moc, foc)',
    );
    expect(() => parseExpectations(['install.installAndLeave.truht == 0'])).toThrow(
      'must end in .truth, .observed or .reported (did you mean "truth"?)',
    );
  });
});
