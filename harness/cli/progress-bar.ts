import { num } from '../report/format.js';

/** A one-line progress bar on a TTY, redrawn at most 10 times a second. */
export function createProgressBar(stream: NodeJS.WritableStream): { update: (fraction: number, events: number) => void; done: () => void } {
  let last = 0;
  let drawn = false;
  const width = 30;
  return {
    update(fraction, events) {
      const now = performance.now();
      if (now - last < 100 && fraction < 1) return;
      last = now;
      const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%  ${num(events)} events`,
      );
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
