import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { SmsimError } from '../../simulator/core/errors.js';
import { pidExists, processStartTime, selfIdentity, type ProcessIdentity } from './process-identity.js';

/**
 * One pipeline per data dir: two writers would interleave journal records.
 *
 * The lock file names its holder by (pid, start time, boot id, pid namespace), not by pid alone:
 * after a container restart the new server is PID 1 again, as the killed one was, so "pid 1 is
 * alive" says nothing. Within one boot and one pid namespace, a holder is alive exactly when
 * /proc/<pid>/stat shows that pid with the recorded start time; that answer is immediate, so a
 * server killed with SIGKILL is replaced at once. A holder in another pid namespace or boot (two
 * containers sharing a volume, or one container restarted: each start gets a new pid namespace)
 * cannot be looked at, so the holder refreshes the file's mtime every LOCK_REFRESH_MS and such a
 * lock counts as alive until it has gone LOCK_STALE_MS without a refresh. Without /proc (not
 * Linux) both sides fall back to asking whether the pid exists.
 *
 * Taking the lock is atomic: the holder's identity is written to a temp file first and hard-linked
 * into place (link fails if the name exists), so the lock file is never seen half written.
 * Removing a stale lock is the racy part (two servers starting at once may both find it stale,
 * and one must not remove the other's fresh lock): only the process that links the claim file
 * `ingest.lock.takeover-<token of the stale lock>` may remove it; a claim left by a claimant that
 * died is superseded the same way, by a claim named after the dead claim's token.
 */

export const LOCK_FILE = 'ingest.lock';
export const LOCK_REFRESH_MS = 2000;
export const LOCK_STALE_MS = 10_000;

interface LockOwner extends ProcessIdentity {
  readonly token: string;
  readonly since?: string;
  /** Written by smsim before this lock format: the file held only a pid. */
  readonly legacy: boolean;
}

interface LockSeen {
  readonly owner: LockOwner | null;
  /** The owner's token, or a digest of what the file holds when it has none. */
  readonly key: string;
  readonly mtimeMs: number;
}

type Verdict = { readonly alive: false } | { readonly alive: true; readonly foreignAgeMs?: number };

export interface DataDirLock {
  readonly file: string;
  /** Refreshes the lock if a refresh is due: a long synchronous replay calls it as it goes. */
  touch(): void;
  /** Called (once) if another process has taken the lock over: stop writing at once. */
  onLost(callback: (err: SmsimError) => void): void;
  release(): void;
}

const TOKEN = /^[0-9a-f]{16}$/;

function lockError(subject: string, message: string, details: Record<string, unknown> = {}, cause?: unknown): SmsimError {
  return new SmsimError('SMSIM_ERR_JOURNAL_FAILED', `${subject}: ${message}`, {
    details: { file: subject, ...details },
    ...(cause === undefined ? {} : { cause }),
  });
}

const nullableString = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function parseOwner(raw: string): LockOwner | null {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return { pid: Number(text), startTime: null, bootId: null, pidNs: null, token: '', legacy: true };
  try {
    const o = JSON.parse(text) as Record<string, unknown>;
    if (!Number.isSafeInteger(o.pid) || (o.pid as number) <= 0 || typeof o.token !== 'string' || !TOKEN.test(o.token)) return null;
    return {
      pid: o.pid as number,
      startTime: nullableString(o.startTime),
      bootId: nullableString(o.bootId),
      pidNs: nullableString(o.pidNs),
      token: o.token,
      ...(typeof o.since === 'string' ? { since: o.since } : {}),
      legacy: false,
    };
  } catch {
    return null;
  }
}

/** What a lock (or claim) file says; undefined when there is no such file. */
function readLock(path: string): LockSeen | undefined {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = readFileSync(path, 'utf8');
    mtimeMs = statSync(path).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const owner = parseOwner(raw);
  const key = owner !== null && !owner.legacy ? owner.token : `x${crc32(raw).toString(16)}${raw.length.toString(16)}`;
  return { owner, key, mtimeMs };
}

function judge(seen: LockSeen, self: ProcessIdentity, nowMs: number): Verdict {
  const o = seen.owner;
  // Locks are linked into place whole, so an unreadable one was left by something long dead.
  if (o === null) return { alive: false };
  // A bare pid cannot name this process (it writes the new format): alive if that pid exists.
  if (o.legacy) return { alive: o.pid !== self.pid && pidExists(o.pid) };
  if (self.bootId !== null && self.pidNs !== null && o.bootId === self.bootId && o.pidNs === self.pidNs) {
    return { alive: o.startTime !== null && processStartTime(o.pid) === o.startTime };
  }
  if (self.bootId === null && o.bootId === null) return { alive: pidExists(o.pid) };
  const ageMs = Math.max(0, nowMs - seen.mtimeMs);
  return ageMs < LOCK_STALE_MS ? { alive: true, foreignAgeMs: ageMs } : { alive: false };
}

function tryLink(from: string, to: string, subject: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw lockError(subject, `cannot lock the data dir: ${(err as Error).message}`, { lockFile: to }, err);
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Removes the stale lock `stale` and links ours in its place, if this process wins the claim on
 * it; false when another process is taking it over (the caller looks again) or took it first.
 */
function takeOver(path: string, temp: string, stale: LockSeen, self: ProcessIdentity, subject: string): boolean {
  const claims: string[] = [];
  let judged = stale.key;
  for (let tries = 0; ; tries++) {
    if (tries === 16) return false;
    const claim = `${path}.takeover-${judged}`;
    if (tryLink(temp, claim, subject)) {
      claims.push(claim);
      break;
    }
    const claimant = readLock(claim);
    if (claimant === undefined) continue;
    if (judge(claimant, self, Date.now()).alive) return false;
    claims.push(claim);
    judged = claimant.key;
  }
  // Holding the claim, no one else may remove `path` while it is the stale lock.
  if (readLock(path)?.key === stale.key) rmSync(path, { force: true });
  const won = tryLink(temp, path, subject);
  // `path` no longer holds the stale lock, so no one can claim it again: the claims may go.
  for (const c of claims) rmSync(c, { force: true });
  return won;
}

function inUse(subject: string, path: string, seen: LockSeen, verdict: Verdict): SmsimError {
  const pid = seen.owner?.pid;
  const age = verdict.alive ? verdict.foreignAgeMs : undefined;
  if (age === undefined) {
    const since = seen.owner?.since === undefined ? '' : `, since ${seen.owner.since}`;
    return lockError(subject, `is in use by process ${pid} (${path}${since}); one pipeline per data dir`, { lockFile: path, pid });
  }
  return lockError(
    subject,
    `is in use by process ${pid} of another pid namespace or boot (${path}, refreshed ${(age / 1000).toFixed(1)} s ago; ` +
      `taken over once not refreshed for ${LOCK_STALE_MS / 1000} s); one pipeline per data dir`,
    { lockFile: path, pid, retryAfterMs: LOCK_STALE_MS - age + 250 },
  );
}

class HeldLock implements DataDirLock {
  private readonly timer: NodeJS.Timeout;
  private lastTouch = Date.now();
  private lost: SmsimError | undefined;
  private onLostCallback: ((err: SmsimError) => void) | undefined;
  private released = false;

  constructor(
    readonly file: string,
    private readonly token: string,
    private readonly subject: string,
  ) {
    this.timer = setInterval(() => this.refresh(), LOCK_REFRESH_MS);
    this.timer.unref();
  }

  touch(): void {
    if (Date.now() - this.lastTouch >= LOCK_REFRESH_MS) this.refresh();
  }

  onLost(callback: (err: SmsimError) => void): void {
    this.onLostCallback = callback;
    if (this.lost !== undefined) callback(this.lost);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    try {
      // Never remove a lock that is no longer ours.
      if (this.lost === undefined && readLock(this.file)?.key === this.token) rmSync(this.file, { force: true });
    } catch {
      // Left behind, it is stale as soon as this process is gone: the next holder takes it over.
    }
  }

  private refresh(): void {
    if (this.released || this.lost !== undefined) return;
    this.lastTouch = Date.now();
    let seen: LockSeen | undefined;
    try {
      seen = readLock(this.file);
      if (seen?.key === this.token) {
        const now = new Date();
        utimesSync(this.file, now, now);
        return;
      }
    } catch {
      // A transient I/O error is no proof of a takeover: try again at the next refresh.
      return;
    }
    clearInterval(this.timer);
    const now = seen === undefined ? 'the file is gone' : `it names process ${seen.owner?.pid ?? '?'} now`;
    this.lost = lockError(this.subject, `lost the data dir's lock (${this.file}: ${now}); nothing more is acked`, {
      lockFile: this.file,
    });
    this.onLostCallback?.(this.lost);
  }
}

/**
 * Takes the lock of `dataDir` for this process; `subject` (the journal) starts every message.
 * Refused (SMSIM_ERR_JOURNAL_FAILED, naming the lock file and the holder's pid) while a live
 * process holds it; `details.retryAfterMs` is set when the holder cannot be looked at and the
 * lock may still go stale.
 */
export function acquireDataDirLock(dataDir: string, subject: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const self = selfIdentity();
  const token = randomBytes(8).toString('hex');
  const temp = `${path}.${token}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify({ ...self, token, since: new Date().toISOString() })}\n`, { flag: 'wx' });
  } catch (err) {
    throw lockError(subject, `cannot lock the data dir: ${(err as Error).message}`, { lockFile: path }, err);
  }
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      if (tryLink(temp, path, subject)) return new HeldLock(path, token, subject);
      const seen = readLock(path);
      if (seen === undefined) continue;
      const verdict = judge(seen, self, Date.now());
      if (verdict.alive) throw inUse(subject, path, seen, verdict);
      if (takeOver(path, temp, seen, self, subject)) return new HeldLock(path, token, subject);
      // Another process is mid-takeover (a few syscalls) or won it: look again shortly.
      sleepSync(5);
    }
    throw lockError(subject, `cannot lock the data dir (${path} keeps changing hands)`, { lockFile: path });
  } finally {
    rmSync(temp, { force: true });
  }
}
