import { format } from 'node:util';
import * as grpc from '@grpc/grpc-js';

/**
 * grpc-js logs to stderr by itself ("E No address added out of total 1 resolved" before smsim's
 * own "address in use"), which users took for a second, unexplained failure. smsim reports every
 * failure itself, with a code, so grpc-js's lines are dropped, unless the user asked for them with
 * grpc-js's own GRPC_VERBOSITY / GRPC_NODE_VERBOSITY: then they are written through `write`,
 * marked as grpc-js's. grpc-js's logger is per module instance: this covers the thread it runs in.
 */
export function routeGrpcLogs(env: Readonly<Record<string, string | undefined>>, write: (line: string) => void): void {
  const line =
    (severity: string) =>
    (message?: unknown, ...rest: unknown[]): void =>
      write(`smsim: grpc-js ${severity}: ${format(message, ...rest)}\n`);
  grpc.setLogger({ error: line('error'), info: line('info'), debug: line('debug') });
  const asked = env.GRPC_NODE_VERBOSITY ?? env.GRPC_VERBOSITY;
  if (asked === undefined || asked === '') grpc.setLogVerbosity(grpc.logVerbosity.NONE);
}
