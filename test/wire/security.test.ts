import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../simulator/core/domain/event-batch.js';
import { EventKind } from '../../simulator/core/domain/vocabulary.js';
import { isSmsimError } from '../../simulator/core/errors.js';
import { createReferencePipeline } from '../../harness/pipeline/reference-pipeline.js';
import { startPipelineServer, type PipelineServer, type PipelineServerOptions } from '../../harness/pipeline/ingest-server.js';
import { fetchReport } from '../../harness/pipeline/report-client.js';
import { AckStatus } from '../../wire/messages.js';
import { encodeEventBatch } from '../../wire/codec.js';
import { createIngestEmitter } from '../../wire/emitter.js';
import type { IngestEmitter } from '../../wire/emitter-api.js';
import { authMetadata, tokenChecker } from '../../wire/security.js';
import { RunRegistry } from '../../harness/pipeline/run-registry.js';
import { rawIngestStream, type RawIngestStream } from '../helpers/raw-ingest.js';

let clock = 1_772_409_600_000;
function batch(): Uint8Array {
  const b = new EventBatchBuilder(2);
  for (let i = 0; i < 2; i++) b.add({ kind: EventKind.SERVICE_REQUEST, timeMs: clock++, code: '8.1.1', requestId: i + 1 });
  return encodeEventBatch(b.take());
}

/**
 * A throw-away self-signed certificate for 127.0.0.1, made with openssl at test time (test-only:
 * nothing is committed). It is its own CA, so the client trusts exactly it.
 */
function makeCertificate(san = 'IP:127.0.0.1,DNS:localhost'): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'smsim-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=smsim test',
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

let hasOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  hasOpenssl = false;
}

const servers: PipelineServer[] = [];
const streams: RawIngestStream[] = [];
const emitters: IngestEmitter[] = [];
afterEach(async () => {
  for (const e of emitters.splice(0)) e.abort();
  for (const s of streams.splice(0)) s.close();
  await Promise.all(servers.splice(0).map((s) => s.stop({ graceMs: 0 })));
});

async function start(extra: Partial<PipelineServerOptions>): Promise<PipelineServer> {
  const s = await startPipelineServer({ runs: new RunRegistry(() => createReferencePipeline()), ...extra });
  servers.push(s);
  return s;
}

describe('bearer token', () => {
  it('tokenChecker accepts exactly "Bearer <token>", once, the scheme in any case (RFC 6750)', () => {
    const check = tokenChecker('s3cret');
    const md = (...values: string[]): grpc.Metadata => {
      const m = new grpc.Metadata();
      for (const v of values) m.add('authorization', v);
      return m;
    };
    expect(check(md('Bearer s3cret'))).toBe(true);
    expect(check(authMetadata({ token: 's3cret' }))).toBe(true);
    expect(check(md())).toBe(false);
    expect(check(md('Bearer s3cre'))).toBe(false);
    expect(check(md('Bearer s3cret!'))).toBe(false);
    expect(check(md('s3cret'))).toBe(false);
    expect(check(md('bearer s3cret'))).toBe(true);
    expect(check(md('BEARER s3cret'))).toBe(true);
    expect(check(md('Bearer S3CRET'))).toBe(false);
    expect(check(md('Basic s3cret'))).toBe(false);
    expect(check(md('Bearers3cret'))).toBe(false);
    expect(check(md('Bearer s3cret', 'Bearer s3cret'))).toBe(false);
    expect(tokenChecker(undefined)(md())).toBe(true);
  });

  it('refuses Ingest streams without the right token with UNAUTHENTICATED, counts them, serves the right one', async () => {
    const srv = await start({ security: { token: 's3cret' } });
    for (const metadata of [undefined, authMetadata({ token: 'wrong' })]) {
      const s = rawIngestStream(srv.address, metadata === undefined ? {} : { metadata });
      streams.push(s);
      s.send('run/x', 1, batch());
      const status = await s.status();
      expect(status.code).toBe(grpc.status.UNAUTHENTICATED);
      expect(status.details).toContain('missing or wrong bearer token');
    }
    expect(srv.stats().refusedCalls).toBe(2);
    expect(srv.stats().batchesAccepted).toBe(0);
    const ok = rawIngestStream(srv.address, { metadata: authMetadata({ token: 's3cret' }) });
    streams.push(ok);
    ok.send('run/x', 1, batch());
    expect((await ok.take(1))[0]).toMatchObject({ status: AckStatus.OK, ackedThrough: 1 });
  });

  it('the emitter and the Report client fail with SMSIM_ERR_UNAUTHENTICATED, not a retry loop', async () => {
    const srv = await start({ security: { token: 's3cret' } });
    const e = createIngestEmitter({ target: srv.address, streamId: 'run/e', security: { token: 'nope' } });
    emitters.push(e);
    await e.send(batch(), 2).catch(() => undefined);
    await expect(e.finish()).rejects.toMatchObject({
      code: 'SMSIM_ERR_UNAUTHENTICATED',
      message: expect.stringContaining(srv.address) as string,
    });
    await expect(fetchReport(srv.address, '', 0, { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'SMSIM_ERR_UNAUTHENTICATED' });
    const report = await fetchReport(srv.address, '', 0, { timeoutMs: 5000, security: { token: 's3cret' } });
    expect(report.stats.refusedCalls).toBe(2);
  });
});

describe.skipIf(!hasOpenssl)('TLS', () => {
  let tls: { certPem: string; keyPem: string };
  beforeAll(() => {
    tls = makeCertificate();
  });

  it('delivers over TLS to a client that trusts the CA, with a token', async () => {
    const srv = await start({ security: { ...tls, token: 't' } });
    const e = createIngestEmitter({ target: srv.address, streamId: 'run/tls', security: { caPem: tls.certPem, token: 't' } });
    emitters.push(e);
    for (let i = 0; i < 3; i++) await e.send(batch(), 2);
    const stats = await e.finish();
    expect(stats.eventsAcked).toBe(6);
    const report = await fetchReport(srv.address, '', 0, { timeoutMs: 5000, security: { caPem: tls.certPem, token: 't' } });
    expect(report.stats.eventsAccepted).toBe(6);
  });

  it('a plain-text client or one that trusts another CA cannot talk to it', async () => {
    const srv = await start({ security: tls });
    const other = makeCertificate();
    for (const security of [undefined, { caPem: other.certPem }]) {
      const err: unknown = await fetchReport(srv.address, '', 0, { timeoutMs: 3000, security: security }).catch((e: unknown) => e);
      expect(isSmsimError(err)).toBe(true);
      expect(['SMSIM_ERR_TARGET_UNREACHABLE', 'SMSIM_ERR_REPORT_FAILED']).toContain((err as { code: string }).code);
    }
    expect(srv.stats().batchesAccepted).toBe(0);
  });

  it('checks the certificate against the IP dialled: a trusted certificate for another name is refused', async () => {
    const elsewhere = makeCertificate('DNS:pipeline.example');
    const srv = await start({ security: elsewhere });
    const err: unknown = await fetchReport(srv.address, '', 0, { timeoutMs: 3000, security: { caPem: elsewhere.certPem } }).catch(
      (e: unknown) => e,
    );
    expect(isSmsimError(err, 'SMSIM_ERR_TARGET_UNREACHABLE')).toBe(true);
  });
});
