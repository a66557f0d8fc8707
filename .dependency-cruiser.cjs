/*
 * The floors of smsim, lowest first, and the rule that imports only point down:
 *   simulator/core  pure, deterministic: no node: modules, nothing above it
 *   wire            codec, envelope, emitter, gRPC services: core only
 *   simulator edge  piscina pool and worker (simulator/*.ts): core and wire
 *   harness         oracle, expectations, pipeline, report, run, CLI: anything below
 * Inside the harness, the rooms that the run and the CLI assemble never reach up to them.
 * `npm run check` runs this; CI runs `npm run check`. docs/architecture.md draws the floors.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: merge them or move what they share down a floor.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'simulator/core is pure and deterministic: no Node built-ins (I/O, clocks, threads).',
      from: { path: '^simulator/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-imports-nothing-above',
      severity: 'error',
      comment: 'simulator/core is the lowest floor: it imports only itself and npm packages.',
      from: { path: '^simulator/core/' },
      to: { path: '^(wire|harness|bench|test)/|^simulator/[^/]+[.]ts$' },
    },
    {
      name: 'wire-imports-only-core',
      severity: 'error',
      comment: 'The wire sits below the simulator edge and the harness, which both use it.',
      from: { path: '^wire/' },
      to: { path: '^(harness|bench|test)/|^simulator/[^/]+[.]ts$' },
    },
    {
      name: 'simulator-edge-below-harness',
      severity: 'error',
      comment: 'The piscina pool and workers stream over the wire; they never reach up into the harness.',
      from: { path: '^simulator/' },
      to: { path: '^(harness|bench|test)/' },
    },
    {
      name: 'harness-rooms-below-run-and-cli',
      severity: 'error',
      comment: 'oracle, expect, pipeline, report and scenario are assembled by run and cli, never the reverse.',
      from: { path: '^harness/(oracle|expect|pipeline|report|scenario)/' },
      to: { path: '^harness/(run|cli)/' },
    },
    {
      name: 'oracle-below-report',
      severity: 'error',
      comment: 'The oracle (truth / observed / reported rows, join, shard merge) is what reports render.',
      from: { path: '^harness/(oracle|expect)/' },
      to: { path: '^harness/(report|pipeline)/' },
    },
    {
      name: 'prom-client-behind-the-seam',
      severity: 'error',
      comment: 'The pipeline counts through ServeMetrics (serve-metrics.ts); only its Prometheus implementation knows prom-client.',
      from: { pathNot: '^harness/pipeline/(prometheus-metrics|metrics-endpoint)[.]ts$' },
      to: { path: 'node_modules/prom-client' },
    },
    {
      name: 'no-product-import-of-tests-or-bench',
      severity: 'error',
      from: { path: '^(simulator|wire|harness)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
