import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderMarkdown } from './render-markdown.js';
import type { RunReport } from './run-report.js';

/** Writes report.json and report.md into `dir` (created if needed); returns the paths. */
export async function writeReport(dir: string, report: RunReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const md = join(dir, 'report.md');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(md, renderMarkdown(report));
  return [json, md];
}
