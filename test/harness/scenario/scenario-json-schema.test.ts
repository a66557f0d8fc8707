import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SCENARIO_SCHEMA_FILE, scenarioJsonSchema, scenarioJsonSchemaText } from '../../../harness/scenario/scenario-json-schema.js';

const SCENARIO_DIRS = ['scenarios', 'test/fixtures/scenarios'];
const files = SCENARIO_DIRS.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `${d}/${f}`),
);

describe('the scenario JSON Schema', () => {
  it(`is committed as generated from the zod schema (if not: run \`npm run build\`, which rewrites ${SCENARIO_SCHEMA_FILE}, and commit it)`, () => {
    expect(readFileSync(SCENARIO_SCHEMA_FILE, 'utf8')).toBe(scenarioJsonSchemaText());
  });

  // zod reads the JSON Schema back (z.fromJSONSchema): a check of the schema editors get, independent of the zod one.
  const asJsonSchema = z.fromJSONSchema(scenarioJsonSchema() as never);

  it.each(files)('accepts %s, which refers to it for editors', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${relative(dirname(file), SCENARIO_SCHEMA_FILE)}`);
    expect(asJsonSchema.safeParse(parse(text)).error?.issues ?? []).toEqual([]);
  });

  it('refuses an unknown key, a wrong type and a missing field, as an editor would mark them', () => {
    const base = parse(readFileSync('scenarios/default.yaml', 'utf8')) as Record<string, unknown>;
    expect(asJsonSchema.safeParse({ ...base, colour: 'blue' }).success).toBe(false);
    expect(asJsonSchema.safeParse({ ...base, estate: { premises: 'many' } }).success).toBe(false);
    const { seed: _, ...noSeed } = base;
    expect(asJsonSchema.safeParse(noSeed).success).toBe(false);
    expect(asJsonSchema.safeParse(base).success).toBe(true);
  });

  it('shows the defaults an author may leave out', () => {
    const props = scenarioJsonSchema().properties as Record<string, { default?: unknown }>;
    expect(props.batchSize?.default).toBe(1000);
    expect(scenarioJsonSchema().required).toEqual(['name', 'seed', 'start', 'duration', 'estate', 'serviceUsers']);
  });
});
