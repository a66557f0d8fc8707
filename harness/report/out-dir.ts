import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SmsimError } from '../../simulator/core/errors.js';

/** The files a run writes into --out (write-report.ts). */
export const REPORT_FILES = ['report.json', 'report.md', 'report.html', 'pmr.json'] as const;

/** Long enough for any local disk; a hung network mount must not hang the run with it. */
const CHECK_TIMEOUT_MS = 10_000;

const WHY: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'name too long',
};

function outInvalid(dir: string, why: string, cause?: unknown): SmsimError {
  return new SmsimError('SMSIM_ERR_OUT_INVALID', `--out ${dir}: ${why}`, { details: { dir, why }, cause });
}

const codeOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/**
 * `mkdir -p` that always ends. Node's recursive mkdir takes ENOENT to mean "the parent is
 * missing", makes the parent (EEXIST: fine) and tries the child again; where the parent exists
 * but the child can never be made — procfs answers ENOENT for /proc/self/x — it retries forever
 * at 100 % CPU. Here each directory of the path is made once, from the deepest existing one down.
 */
export async function makeDirectory(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(at)).isDirectory();
    } catch (err) {
      // ENOTDIR: something above is a file; walking up finds it and names it.
      const absent = codeOf(err) === 'ENOENT' || codeOf(err) === 'ENOTDIR';
      if (!absent || dirname(at) === at) throw outInvalid(dir, `cannot look up ${at}: ${describe(err)}`, err);
      missing.push(at);
      continue;
    }
    if (!isDirectory) throw outInvalid(dir, `${at} exists and is not a directory`);
    break;
  }
  for (const at of missing.reverse()) {
    try {
      await mkdir(at);
    } catch (err) {
      // Made by someone else meanwhile: fine if it is a directory.
      if (codeOf(err) === 'EEXIST' && (await stat(at)).isDirectory()) continue;
      // ENOENT although the parent exists: a file system that cannot hold it (/proc, /sys).
      const why = codeOf(err) === 'ENOENT' ? 'the file system does not allow creating it' : describe(err);
      throw outInvalid(dir, `cannot create ${at}: ${why}`, err);
    }
  }
}

function describe(err: unknown): string {
  const code = codeOf(err);
  return code === undefined ? String(err) : `${WHY[code] ?? (err as Error).message} (${code})`;
}

/**
 * Makes sure a run can write its report into `dir` before the run starts, rather than failing
 * once the run is over: the directory exists or is created, a probe file can be written and
 * removed, and no report file there is something other than a writable regular file (a FIFO
 * named report.json would block the write for good). Bounded in time.
 */
export async function checkOutDir(dir: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(outInvalid(dir, `the file system did not answer within ${CHECK_TIMEOUT_MS / 1000} s`)),
      CHECK_TIMEOUT_MS,
    );
    timer.unref();
  });
  try {
    await Promise.race([probe(dir), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(dir: string): Promise<void> {
  await makeDirectory(dir);
  const file = join(dir, `.smsim-probe-${randomUUID()}`);
  try {
    // wx: never opens anything already there.
    await writeFile(file, 'probe\n', { flag: 'wx' });
    await unlink(file);
  } catch (err) {
    throw outInvalid(dir, `cannot write files in it: ${describe(err)}`, err);
  }
  for (const name of REPORT_FILES) {
    const path = join(dir, name);
    const existing = await stat(path).catch((err: unknown) => {
      if (codeOf(err) === 'ENOENT') return undefined;
      throw outInvalid(dir, `cannot look up ${path}: ${describe(err)}`, err);
    });
    if (existing === undefined) continue;
    if (!existing.isFile()) throw outInvalid(dir, `${path} exists and is not a regular file`);
    await access(path, constants.W_OK).catch((err: unknown) => {
      throw outInvalid(dir, `${path} cannot be overwritten: ${describe(err)}`, err);
    });
  }
}
