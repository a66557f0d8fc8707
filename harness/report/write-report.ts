import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SmsimError } from '../../simulator/core/errors.js';
import { familyOf } from '../oracle/families.js';
import { makeDirectory } from './out-dir.js';
import { buildPmr } from './pmr.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderPmrMarkdown } from './render-pmr-markdown.js';
import type { RunReport } from './run-report.js';

/** Writes report.json, then the renderings of it (see renderRunDir); returns the paths. */
export async function writeReport(dir: string, report: RunReport): Promise<string[]> {
  try {
    await makeDirectory(dir);
    const json = join(dir, 'report.json');
    await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
    return [json, ...(await renderRunDir(dir, report))];
  } catch (err) {
    // Checked before the run (checkOutDir), so only a disk that filled up or changed since gets here.
    if (err instanceof SmsimError) throw err;
    throw new SmsimError('SMSIM_ERR_OUT_INVALID', `--out ${dir}: cannot write the report: ${(err as Error).message}`, {
      details: { dir },
      cause: err,
    });
  }
}

/**
 * Renders report.md (run summary + PMR), report.html (PMR with charts, self-contained) and
 * pmr.json from a run's report; `smsim report <dir>` calls it with the stored report.json.
 */
export async function renderRunDir(dir: string, report: RunReport): Promise<string[]> {
  const pmr = buildPmr(report);
  const md = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  const pmrJson = join(dir, 'pmr.json');
  await writeFile(md, `${renderMarkdown(report)}\n${renderPmrMarkdown(pmr)}`);
  await writeFile(html, renderHtml(report, pmr));
  await writeFile(pmrJson, `${JSON.stringify(pmr, null, 2)}\n`);
  return [md, html, pmrJson];
}

/** Reads `<dir>/report.json`; SMSIM_ERR_RUN_DIR_INVALID when missing or unreadable. */
export async function readRunDir(dir: string): Promise<RunReport> {
  const file = join(dir, 'report.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new SmsimError('SMSIM_ERR_RUN_DIR_INVALID', `${dir}: no readable report.json`, { details: { file }, cause });
  }
  let report: RunReport;
  try {
    report = JSON.parse(text) as RunReport;
  } catch (cause) {
    throw new SmsimError('SMSIM_ERR_RUN_DIR_INVALID', `${file}: not valid JSON`, { details: { file }, cause });
  }
  const version = (report as { schemaVersion?: unknown } | null)?.schemaVersion;
  const ok =
    typeof report === 'object' &&
    report !== null &&
    (version === 1 || version === 2) &&
    Array.isArray(report.metrics) &&
    typeof report.window?.startMs === 'number' &&
    typeof report.window?.endMs === 'number' &&
    typeof report.scenario?.name === 'string';
  if (!ok)
    throw new SmsimError('SMSIM_ERR_RUN_DIR_INVALID', `${file}: not an smsim report.json (schemaVersion 1 or 2)`, { details: { file } });
  return version === 1 ? fromSchema1(report as unknown as SchemaV1Report) : report;
}

/** A report.json written before runs (schema 1): every figure was reported, by one process. */
type SchemaV1Report = Omit<RunReport, 'schemaVersion' | 'runId' | 'scenario' | 'pipeline'> & {
  readonly scenario: { readonly name: string; readonly file: string; readonly description: string };
  readonly pipeline: { readonly kind: 'embedded' | 'external'; readonly target: string };
};

function fromSchema1(r: SchemaV1Report): RunReport {
  return {
    ...r,
    schemaVersion: 2,
    runId: '',
    scenario: { ...r.scenario, shardCount: r.shards.length, expect: r.expectations.map((e) => e.expect) },
    pipeline: { ...r.pipeline, families: [...new Set(r.metrics.map((m) => familyOf(m.id)))].sort() },
  };
}
