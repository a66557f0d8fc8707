import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SMALL, killChildren, serve, smsim } from '../helpers/cli.js';

let hasOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  hasOpenssl = false;
}

// Every CLI process gets SMSIM_TOKEN '' unless a test gives one: a token in the environment never leaks in.
afterEach(killChildren);

describe.skipIf(!hasOpenssl)('smsim serve with TLS and a token (real processes)', () => {
  it('emit with --tls-ca and SMSIM_TOKEN delivers everything; without the token it exits 2, UNAUTHENTICATED', async () => {
    // A throw-away self-signed certificate for 127.0.0.1 (test-only, made here, never committed).
    const dir = mkdtempSync(join(tmpdir(), 'smsim-tls-e2e-'));
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
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const { address } = await serve(['--port', '0', '--tls-cert', cert, '--tls-key', key], {
      env: { SMSIM_TOKEN: 'e2e-secret' },
      listening: /listening on (\S+) \(TLS\)/,
    });
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);

    const ok = await smsim(['emit', SMALL, '--target', address, '--tls-ca', cert, '--json'], { env: { SMSIM_TOKEN: 'e2e-secret' } });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).run).toMatchObject({ lost: 0, duplicates: 0 });

    const noToken = await smsim(['emit', SMALL, '--target', address, '--tls-ca', cert]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('[SMSIM_ERR_UNAUTHENTICATED]');
    const wrongToken = await smsim(['emit', SMALL, '--target', address, '--tls-ca', cert, '--token', 'guess']);
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toContain('[SMSIM_ERR_UNAUTHENTICATED]');
    const plain = await smsim(['emit', SMALL, '--target', address], { env: { SMSIM_TOKEN: 'e2e-secret' } });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('[SMSIM_ERR_TARGET_UNREACHABLE]');
    const missingCa = await smsim(['emit', SMALL, '--target', address, '--tls-ca', join(dir, 'nope.pem')]);
    expect(missingCa.code).toBe(2);
    expect(missingCa.stderr).toContain('[SMSIM_ERR_TLS_INVALID]');
  }, 90_000);
});
