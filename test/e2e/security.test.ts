import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = join('dist', 'harness', 'cli', 'main.js');
const SMALL = 'test/fixtures/scenarios/small.yaml';

let hasOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  hasOpenssl = false;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function smsim(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SMSIM_TOKEN: '', ...env } });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!hasOpenssl)('smsim serve with TLS and a token (real processes)', () => {
  it('emit with --tls-ca and SMSIM_TOKEN delivers everything; without the token it exits 2, UNAUTHENTICATED', async () => {
    // A throw-away self-signed certificate for 127.0.0.1 (test-only, made here, never committed).
    const dir = mkdtempSync(join(tmpdir(), 'smsim-tls-e2e-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=smsim test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const server = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--tls-cert', cert, '--tls-key', key], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SMSIM_TOKEN: 'e2e-secret' } });
    children.push(server);
    const address = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${text}`)), 15_000);
      server.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /listening on (\S+) \(TLS\)/.exec(text);
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);

    const ok = await smsim(['emit', SMALL, '--target', address, '--tls-ca', cert, '--json'], { SMSIM_TOKEN: 'e2e-secret' });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).run).toMatchObject({ lost: 0, duplicates: 0 });

    const noToken = await smsim(['emit', SMALL, '--target', address, '--tls-ca', cert]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('[SMSIM_ERR_UNAUTHENTICATED]');
    const wrongToken = await smsim(['emit', SMALL, '--target', address, '--tls-ca', cert, '--token', 'guess']);
    expect(wrongToken.code).toBe(2);
    expect(wrongToken.stderr).toContain('[SMSIM_ERR_UNAUTHENTICATED]');
    const plain = await smsim(['emit', SMALL, '--target', address], { SMSIM_TOKEN: 'e2e-secret' });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('[SMSIM_ERR_TARGET_UNREACHABLE]');
    const missingCa = await smsim(['emit', SMALL, '--target', address, '--tls-ca', join(dir, 'nope.pem')]);
    expect(missingCa.code).toBe(2);
    expect(missingCa.stderr).toContain('[SMSIM_ERR_TLS_INVALID]');
  }, 90_000);
});
