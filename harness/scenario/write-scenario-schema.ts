import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findPackageRoot } from '../../wire/proto-root.js';
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchemaText } from './scenario-json-schema.js';

// `npm run schema` (part of `npm run build`): regenerates schema/scenario.schema.json from the
// zod schema. The file is only rewritten when it changes, so an unchanged tree stays unchanged.

const file = join(findPackageRoot(import.meta.url), SCENARIO_SCHEMA_FILE);
const text = scenarioJsonSchemaText();
let current: string | undefined;
try {
  current = readFileSync(file, 'utf8');
} catch {
  current = undefined;
}
if (current !== text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${SCENARIO_SCHEMA_FILE}\n`);
}
