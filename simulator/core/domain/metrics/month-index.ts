import { HOUR, ukMonth } from '../../time.js';

/**
 * UK reporting months as small integers, so a hot loop keys counters by number. Months change
 * on UK hour boundaries, so the last hour seen is cached: events arrive mostly in time order.
 */
export class MonthIndex {
  readonly labels: string[] = [];
  private readonly byLabel = new Map<string, number>();
  private lastHour = Number.NaN;
  private lastIndex = -1;

  of(timeMs: number): number {
    const hour = Math.floor(timeMs / HOUR);
    if (hour === this.lastHour) return this.lastIndex;
    const label = ukMonth(timeMs);
    let i = this.byLabel.get(label);
    if (i === undefined) {
      i = this.labels.length;
      this.labels.push(label);
      this.byLabel.set(label, i);
    }
    this.lastHour = hour;
    this.lastIndex = i;
    return i;
  }
}
