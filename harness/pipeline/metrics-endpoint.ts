import { createServer } from 'node:http';
import type { Registry } from 'prom-client';
import { SmsimError } from '../../simulator/core/errors.js';

export interface MetricsEndpoint {
  /** http://host:port/metrics */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/**
 * Serves `registry` at GET /metrics over plain HTTP, as Prometheus scrapes it; every other path
 * is a 404. Bound to `host` (default 127.0.0.1: exposed beyond the machine only when asked).
 */
export async function startMetricsEndpoint(registry: Registry, host: string, port: number): Promise<MetricsEndpoint> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${String(err)}\n`),
    );
  });
  // A scraper keeps its connection open between scrapes; stopping must not wait for it.
  server.keepAliveTimeout = 5_000;
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(
        new SmsimError(
          err.code === 'EADDRINUSE' ? 'SMSIM_ERR_ADDRESS_IN_USE' : 'SMSIM_ERR_USAGE',
          `--metrics-port: cannot listen on ${hostPort(host, port)}: ${why}`,
          { details: { host, port }, cause: err },
        ),
      );
    });
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
  return {
    url: `http://${hostPort(host, bound)}/metrics`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
