import { addReported } from '../oracle/join-figures.js';
import type { MetricRow } from '../oracle/metric-row.js';

/* Month sums of report rows for the PMR: reported stays null ("not reported") where the family is. */

export interface Figure {
  readonly truth: number;
  /** null: the pipeline does not report the metric's family ("not reported", never 0). */
  readonly reported: number | null;
}

export interface CpmRow {
  readonly cpm: string;
  readonly name: string;
  /**
   * true only when the run has data for it and the pipeline reported it: false for "not measured
   * in this run" (no data) and for "not reported" (`notReported`), never a 0 in their place.
   */
  readonly measured: boolean;
  /** The run has data for it, but the pipeline does not report its family: the reported figures are null. */
  readonly notReported?: true;
  readonly within: Figure;
  readonly total: Figure;
  /** Percentages, null when the denominator is 0 (or, for reported, when not reported). */
  readonly truthPercent: number | null;
  readonly reportedPercent: number | null;
  readonly target: number;
  readonly minimum: number;
  /** How to read it (what is counted), when the CPM needs one. */
  readonly note?: string;
  /**
   * CPM1 / CPM2 only: the old way, the unweighted mean of the Service Providers' service levels
   * over the month (no exclusions), beside the MP122 figure above. null: no responses / not reported.
   */
  readonly oldWay?: { readonly truthPercent: number | null; readonly reportedPercent: number | null };
}

export type LabelFilter = (labels: Readonly<Record<string, string>>) => boolean;

export const inMonth = (labels: Readonly<Record<string, string>>, month: string): boolean =>
  labels.month === month || (labels.month === undefined && labels.day !== undefined && labels.day.startsWith(month));

/** Whether the pipeline reports a metric id's family (RunReport.pipeline.families). */
export type Reports = (id: string) => boolean;

/** A family is reported whole or not at all: a sum over no rows is 0 only when it is reported. */
export const sum = (rows: readonly MetricRow[], reports: Reports, id: string, month: string, filter: LabelFilter = () => true): Figure => {
  let truth = 0;
  let reported: number | null = reports(id) ? 0 : null;
  for (const r of rows) {
    if (r.id !== id || !inMonth(r.labels, month) || !filter(r.labels)) continue;
    truth += r.truth;
    reported = addReported(reported, r.reported);
  }
  return { truth, reported };
};

export const minus = (a: Figure, b: Figure | null): Figure =>
  b === null ? a : { truth: a.truth - b.truth, reported: a.reported === null || b.reported === null ? null : a.reported - b.reported };

export const percent = (num: number | null, den: number | null): number | null =>
  num === null || den === null || den === 0 ? null : Math.round((num / den) * 10_000) / 100;
