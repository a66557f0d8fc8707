import { describe, expect, it } from 'vitest';
import { readFigure } from '../../../harness/report/figure-reading.js';
import { barChart, lineChart, textWidth } from '../../../harness/report/svg-charts.js';

describe('reading a figure', () => {
  it('tells a blind spot from a pipeline error, in words', () => {
    // truth 10, observed 7, reported 7: 3 the network cannot see, the pipeline right.
    expect(readFigure('firmware.received', 10, 7, 7)).toEqual({
      reading: 'blind',
      words:
        'Blind spot: 3 happened that the network cannot see (truth 10, observed 7). The pipeline reports what can be seen: not its fault.',
    });
    // observed 7, reported 5: the pipeline is wrong by 2, whatever the blind spot.
    expect(readFigure('firmware.received', 10, 7, 5)).toEqual({
      reading: 'error',
      words: 'Pipeline error: the pipeline reports 2 fewer than the reference definitions count on the same traffic.',
    });
    expect(readFigure('firmware.received', 7, 7, 7)).toEqual({ reading: 'agree', words: '' });
  });

  it('explains a negative blind spot: a category only an observer has, or a gap in the truth', () => {
    expect(readFigure('firmware.notMeasurable', 0, 4, 4).reading).toBe('observer');
    expect(readFigure('firmware.notMeasurable', 0, 4, 4).words).toMatch(/^Not measurable: targets that cannot acknowledge/);
    const gap = readFigure('alert.volume', 0, 5, 5);
    expect(gap.reading).toBe('above');
    expect(gap.words).toBe(
      "Observed above truth by 5: a network cannot see more than happened, so this is no blind spot. smsim's truth does not count these events (a gap in the simulator's model, not a pipeline error).",
    );
    expect(readFigure('alert.volume', 0, 5, 5, true).words).toBe(
      "Observed above truth by 5: as above, smsim's truth does not count these events.",
    );
  });

  it('says "not reported" rather than comparing with nothing', () => {
    expect(readFigure('incident.closed', 2, 2, null)).toEqual({
      reading: 'unreported',
      words: 'The pipeline does not compute this family: not reported, never 0.',
    });
    expect(readFigure('incident.closed', 3, 2, null).reading).toBe('blind');
  });
});

describe('charts', () => {
  const t = (label: string, truth: number, observed = truth, reported: number | null = observed) => ({ label, truth, observed, reported });

  it('draws no chart with one category, or with nothing but zeros', () => {
    expect(barChart('one', [t('north', 5)])).toBeUndefined();
    expect(barChart('zeros', [t('north', 0), t('south', 0)])).toBeUndefined();
    expect(lineChart('one day', [t('2026-03-01', 5)])).toBeUndefined();
  });

  it('leaves room for the longest label, and puts title and legend outside the plot', () => {
    const label = 'Alerts with a measurable CH → User time';
    const html = barChart('Per measure', [t(label, 3), t('x', 1)]) as string;
    const x = Number(/<text x="([\d.]+)" y="[\d.]+" class="lbl" text-anchor="end">Alerts with/.exec(html)?.[1]);
    // The label ends at x and runs left: it starts at x − its width, inside the SVG.
    expect(x - textWidth(label)).toBeGreaterThanOrEqual(0);
    expect(html).toMatch(/^<figure class="chart-box"><figcaption><b>Per measure<\/b><span class="legend">/);
    expect(html).toContain('data-categories="2"');
    expect((html.match(/<g class="cat">/g) ?? []).length).toBe(2);
  });

  it('draws no reported bar for a figure that is not reported, and says so', () => {
    const html = barChart('n', [t('north', 6, 5, null), t('south', 4, 4, null)]) as string;
    expect((html.match(/<rect /g) ?? []).length).toBe(4);
    expect((html.match(/reported: not reported/g) ?? []).length).toBe(2);
  });

  it('anchors the first tick label at its start and the last at its end, so neither is cut', () => {
    const days = Array.from({ length: 10 }, (_, i) => t(`2026-03-${String(i + 1).padStart(2, '0')}`, i));
    const html = lineChart('per day', days) as string;
    const ticks = [...html.matchAll(/<text x="([\d.]+)" y="[\d.]+" class="lbl" text-anchor="(start|middle|end)">(2026-03-\d\d)<\/text>/g)];
    expect(ticks.length).toBe(7);
    expect(ticks[0]?.slice(2)).toEqual(['start', '2026-03-01']);
    expect(ticks[6]?.slice(2)).toEqual(['end', '2026-03-10']);
    // The last tick sits at the plot's right edge (760 wide, 16 right margin).
    expect(Number(ticks[6]?.[1])).toBe(744);
    expect((html.match(/<path /g) ?? []).length).toBe(3);
  });
});
