import { z } from 'zod';
import { ScenarioSchema } from '../../simulator/core/scenario/schema.js';

/** Where the package ships the scenario JSON Schema; scenario files refer to it for editor completion. */
export const SCENARIO_SCHEMA_FILE = 'schema/scenario.schema.json';

/**
 * The JSON Schema of a scenario file, generated from the zod schema (the one source of truth):
 * the input side, so defaulted fields are optional and show their default. Draft-07, which
 * yaml-language-server (VS Code's YAML extension) and JetBrains IDEs check and complete. Checks
 * JSON Schema cannot express (calendar dates, durations, shares adding up to 1) are left to
 * `smsim validate`.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ScenarioSchema, { io: 'input', target: 'draft-07', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'smsim scenario',
    description: 'An smsim scenario file (docs/scenarios.md). Generated from the zod schema by `npm run build`: do not edit by hand.',
    ...rest,
  };
}

/** The file's text, as committed (two-space JSON and a final newline). */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
