#!/usr/bin/env node
import { SIGNAL_EXIT_CODES } from './context.js';
import { runCli } from './program.js';
import type { StopSignal } from '../report/run-report.js';

// The one place that touches the process: arguments, streams, signals and the exit code.

// A reader that stops early (`smsim run … | head`) is not a failure of the run: end quietly, as
// Unix tools do, instead of dying on an unhandled EPIPE with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  untilSignal: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    }),
  interruptible: (onStop) => {
    let stopping = false;
    const onSignal = (signal: StopSignal): void => {
      // The second signal: whoever sends it will not wait for the report.
      if (stopping) process.exit(SIGNAL_EXIT_CODES[signal]);
      stopping = true;
      onStop(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  },
});
process.exitCode = code;
