/**
 * The three views of a figure (see join-figures.ts): truth (what devices experienced), observed
 * (the reference definitions over the traffic that crossed the wire) and reported (what the
 * pipeline under test said).
 */
export type Figure = 'truth' | 'observed' | 'reported';
export const FIGURES: readonly Figure[] = ['truth', 'observed', 'reported'];

/** One metric sample (id + labels) with its value in each view: the oracle's row. */
export interface MetricRow {
  readonly id: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly truth: number;
  readonly observed: number;
  /** null: the pipeline does not report this metric's family ("not reported", never 0). */
  readonly reported: number | null;
}
