import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { readFigure } from '../../../harness/report/figure-reading.js';
import { alertTimingHtml, firmwareBySmetsHtml } from '../../../harness/report/html/generation-tables.js';
import { metricRow } from './run-report-fixture.js';
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

describe('R3 by SMETS generation, from hand-built rows', () => {
  const cells = (html: string): string[][] =>
    [...parseHTML(`<html><body>${html}</body></html>`).document.querySelectorAll('tbody tr')].map((r) =>
      [...r.querySelectorAll('td')].map((c) => c.textContent ?? ''),
    );
  const fw = (id: string, smets: string, truth: number, observed: number, extra: Record<string, string> = {}) =>
    metricRow(id, { smets, network: smets === 'smets1' ? 'moc' : 'south', month: '2026-03', ...extra }, truth, observed, observed);

  it('says SMETS1 without SMETS1 SP data is not measurable, counts only its activations, and keeps CH images apart', () => {
    // 5 SMETS1 targets, no SP data: all 5 not measurable (reason noSmets1SpData), 4 activated by 11.3.
    // SMETS2: 3 targets, 2 acknowledged of 3 received (1 a blind spot); 7 CH images activated, no target.
    const html = firmwareBySmetsHtml([
      fw('firmware.targets', 'smets1', 5, 5),
      fw('firmware.notMeasurable', 'smets1', 0, 5, { reason: 'noSmets1SpData' }),
      fw('firmware.received', 'smets1', 5, 0),
      fw('firmware.activated', 'smets1', 4, 4),
      fw('firmware.targets', 'smets2', 3, 3),
      fw('firmware.received', 'smets2', 3, 2),
      fw('firmware.awaitingAck', 'smets2', 0, 1),
      fw('firmware.chActivated', 'smets2', 7, 7, { deviceType: 'CH' }),
    ]);
    const [s1, s2] = cells(html);
    expect(s1?.slice(0, 8)).toEqual(['SMETS1', '5', '0truth 5', '0', '55 no SMETS1 SP data', '0', '4', '0']);
    expect(s1?.[8]).toBe(
      'No SMETS1 Service Provider data in this run: 5 SMETS1 targets are not measurable, and only the 11.3 activations count (the interim MP122B names). Blind spot: 5 HANs received the image with no acknowledgement to say so.',
    );
    expect(s2?.slice(0, 8)).toEqual(['SMETS2', '3', '2truth 3', '0', '0', '1', '0', '7']);
    expect(s2?.[8]).toMatch(
      /Blind spot: 1 HAN received .* 1 awaiting .* CH images go straight over the CSP \/ SMETS1 SP network: measured by activation only, never a target\.$/,
    );
  });

  it('times SMETS1 end to end only where the CH receipt is visible, with the interim beside it', () => {
    // moc: 10 alerts sent and confirmed; 4 DCC Alerts timed end to end (3 within target), 6 Device
    // Alerts whose CH receipt the SMETS1 SP does not show; interim: 10 sent, 9 within target.
    const a = (id: string, truth: number, observed: number) =>
      metricRow(id, { network: 'moc', smets: 'smets1', month: '2026-03' }, truth, observed, observed);
    const [moc] = cells(
      alertTimingHtml([
        a('alert.measured', 10, 4),
        a('alert.withinTarget', 9, 3),
        a('alert.notMeasurable', 0, 6),
        a('alert.interimMeasured', 10, 10),
        a('alert.interimWithinTarget', 9, 9),
      ]),
    );
    expect(moc?.slice(0, 6)).toEqual(['moc', '4truth 10', '75.00 %truth 90.00 %', '6', '10', '90.00 %']);
    expect(moc?.[6]).toBe(
      "6 Device Alerts' CH receipt is not visible (the SMETS1 Service Providers, CR1438): the end-to-end figure covers only the 4 whose start is (DCC Alerts, timed from generation); the interim DSP-only figure covers all.",
    );
  });
});
