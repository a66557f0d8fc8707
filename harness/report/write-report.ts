import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SmsimError } from '../../simulator/core/errors.js';
import { buildPmr } from './pmr.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { renderPmrMarkdown } from './render-pmr-markdown.js';
import type { RunReport } from './run-report.js';

/** Writes report.json, then the renderings of it (see renderRunDir); returns the paths. */
export async function writeReport(dir: string, report: RunReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  return [json, ...(await renderRunDir(dir, report))];
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
  // A version 1 file has no run id and no reported families: rendering it as version 2 would
  // show every figure of it as "not reported".
  const ok =
    typeof report === 'object' && report !== null && report.schemaVersion === 2 && Array.isArray(report.metrics) &&
    typeof report.window?.startMs === 'number' && typeof report.window?.endMs === 'number' && typeof report.scenario?.name === 'string' &&
    typeof report.runId === 'string' && Array.isArray(report.pipeline?.families);
  if (!ok) throw new SmsimError('SMSIM_ERR_RUN_DIR_INVALID', `${file}: not an smsim report.json (schemaVersion 2)`, { details: { file } });
  return report;
}
