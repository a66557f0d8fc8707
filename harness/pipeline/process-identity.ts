import { readFileSync, readlinkSync } from 'node:fs';

/**
 * Who a process is, beyond its pid: a pid is reused (after a container restart the new server is
 * PID 1 again, as the killed one was), but (pid, start time) is unique within one boot and one
 * pid namespace. Linux only; elsewhere every field but the pid is null and callers fall back to
 * asking whether the pid exists.
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks since boot when the process started. */
  readonly startTime: string | null;
  /** /proc/sys/kernel/random/boot_id: new at every boot. */
  readonly bootId: string | null;
  /** readlink /proc/self/ns/pid, e.g. "pid:[4026531836]": pids mean something only within it. */
  readonly pidNs: string | null;
}

function readOrNull(read: () => string): string | null {
  try {
    return read().trim();
  } catch {
    return null;
  }
}

/**
 * Field 22 of a /proc/<pid>/stat line. Field 2 (the command name) is in parentheses and may hold
 * spaces and parentheses itself, so fields are counted from the last ')'.
 */
export function startTimeOf(stat: string): string | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ')' comes field 3 (state): field 22 is the 20th from there.
  return fields[19] ?? null;
}

/** The start time of process `pid` as this process's /proc shows it; null when there is none. */
export function processStartTime(pid: number | 'self'): string | null {
  const stat = readOrNull(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return stat === null ? null : startTimeOf(stat);
}

/** This process. /proc/self, not /proc/<process.pid>: the two differ when /proc is another namespace's. */
export function selfIdentity(): ProcessIdentity {
  return {
    pid: process.pid,
    startTime: processStartTime('self'),
    bootId: readOrNull(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNs: readOrNull(() => readlinkSync('/proc/self/ns/pid')),
  };
}

/** Whether a process with this pid exists (EPERM: it exists, but belongs to someone else). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
