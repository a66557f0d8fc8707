import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SmsimError } from '../../simulator/core/errors.js';
import { makeDirectory } from './out-dir.js';

const junitInvalid = (file: string, why: string, cause?: unknown): SmsimError =>
  new SmsimError('SMSIM_ERR_OUT_INVALID', `--junit ${file}: ${why}`, { details: { file, why }, cause });

const codeOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/**
 * Before the run, as for --out: the file's directory exists (or is created) and can be written,
 * and the file, if there, is a regular file that can be overwritten; a run of hours must not end
 * without the result its CI job waits for.
 */
export async function checkJunitFile(file: string): Promise<void> {
  try {
    await makeDirectory(dirname(file));
  } catch (err) {
    throw junitInvalid(file, (err as Error).message.replace(/^--out [^:]*: /, ''), err);
  }
  const existing = await stat(file).catch((err: unknown) => {
    if (codeOf(err) === 'ENOENT') return undefined;
    throw junitInvalid(file, `cannot look it up: ${codeOf(err) ?? String(err)}`, err);
  });
  if (existing !== undefined && !existing.isFile()) throw junitInvalid(file, 'exists and is not a regular file');
  await access(existing === undefined ? dirname(file) : file, constants.W_OK).catch((err: unknown) => {
    throw junitInvalid(file, `cannot be written: ${codeOf(err) ?? String(err)}`, err);
  });
}

/** Writes the JUnit XML (render-junit.ts). */
export async function writeJunit(file: string, xml: string): Promise<void> {
  try {
    await writeFile(file, xml);
  } catch (err) {
    throw junitInvalid(file, `cannot write it: ${codeOf(err) ?? (err as Error).message}`, err);
  }
}
