// Regenerates docs/sample/: the IOC/MDS PPMID demo's report.html and report.md, from a real run of
// the built CLI (`npm run sample` builds first). The committed page links the reader's guide next
// to it; otherwise it is exactly what `smsim run --out` writes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPmr } from '../dist/harness/report/pmr.js';
import { renderHtml } from '../dist/harness/report/render-html.js';

const scenario = 'scenarios/ioc-mds-ppmid-no-ack.yaml';
const dest = join('docs', 'sample');
const out = mkdtempSync(join(tmpdir(), 'smsim-sample-'));
try {
  execFileSync(process.execPath, ['dist/harness/cli/main.js', 'run', scenario, '--out', out, '--no-progress'], { stdio: 'inherit' });
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  writeFileSync(join(dest, 'report.html'), renderHtml(report, buildPmr(report), { guideHref: '../reading-the-report.md' }));
  writeFileSync(join(dest, 'report.md'), readFileSync(join(out, 'report.md'), 'utf8'));
  console.log(`wrote ${join(dest, 'report.html')} and ${join(dest, 'report.md')} from ${scenario}`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
