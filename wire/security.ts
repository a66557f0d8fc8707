import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import * as grpc from '@grpc/grpc-js';

/**
 * Transport security for both ends of the wire: TLS credentials and the bearer token carried in
 * gRPC metadata (`authorization: Bearer <token>`). A token over plain TCP is visible to anyone on
 * the path: use it with TLS beyond 127.0.0.1.
 */

export interface ClientSecurity {
  /** PEM of the CA (or self-signed certificate) that signed the pipeline's certificate: dial TLS. */
  readonly caPem?: string | undefined;
  readonly token?: string | undefined;
}

export interface ServerSecurity {
  /** PEM certificate chain and key: serve TLS instead of plain TCP. */
  readonly certPem?: string | undefined;
  readonly keyPem?: string | undefined;
  /** Require this bearer token on every call. */
  readonly token?: string | undefined;
}

export const AUTHORIZATION_KEY = 'authorization';

/** The host part of host:port, without IPv6 brackets. */
function hostOf(target: string): string {
  const host = target.slice(0, target.lastIndexOf(':'));
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** A TLS SNI name for IP targets; the identity check ignores it (see below). */
const IP_TARGET_SNI = 'smsim-pipeline';

/**
 * Credentials and channel options for dialling `target`. For an IP target (127.0.0.1:50051)
 * grpc-js would pass the IP as the TLS server name, which Node deprecates (DEP0123, RFC 6066
 * forbids IPs in SNI) and warns about on every connection. So an IP target gets a plain SNI name
 * and an identity check against the IP itself: the certificate must still carry that IP.
 */
export function channelCredentials(
  security: ClientSecurity | undefined,
  target: string,
): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
  if (security?.caPem === undefined) return { credentials: grpc.credentials.createInsecure(), options: {} };
  const host = hostOf(target);
  if (isIP(host) === 0) return { credentials: grpc.credentials.createSsl(Buffer.from(security.caPem)), options: {} };
  return {
    credentials: grpc.credentials.createSsl(Buffer.from(security.caPem), null, null, {
      checkServerIdentity: (_sni, cert) => checkServerIdentity(host, cert),
    }),
    options: { 'grpc.ssl_target_name_override': IP_TARGET_SNI, 'grpc.default_authority': target },
  };
}

export function authMetadata(security: ClientSecurity | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (security?.token !== undefined) metadata.set(AUTHORIZATION_KEY, `Bearer ${security.token}`);
  return metadata;
}

export function serverCredentials(security: ServerSecurity | undefined): grpc.ServerCredentials {
  if (security?.certPem === undefined || security.keyPem === undefined) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(
    null,
    [{ cert_chain: Buffer.from(security.certPem), private_key: Buffer.from(security.keyPem) }],
    false,
  );
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** "Bearer <token>": the scheme is matched case-insensitively (RFC 6750 §2.1, RFC 7235 §2.1). */
const BEARER = /^bearer +(.*)$/i;

/**
 * A checker for the `authorization` metadata of a call; undefined token = every call passes.
 * Both sides are hashed first so timingSafeEqual compares equal lengths and the time taken says
 * nothing about the token's length or prefix.
 */
export function tokenChecker(token: string | undefined): (metadata: grpc.Metadata) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (metadata) => {
    const values = metadata.get(AUTHORIZATION_KEY);
    if (values.length !== 1 || typeof values[0] !== 'string') return false;
    const given = BEARER.exec(values[0]);
    return given !== null && timingSafeEqual(digest(given[1] as string), expected);
  };
}
