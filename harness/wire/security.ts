import { createHash, timingSafeEqual } from 'node:crypto';
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

export function channelCredentials(security: ClientSecurity | undefined): grpc.ChannelCredentials {
  return security?.caPem === undefined ? grpc.credentials.createInsecure() : grpc.credentials.createSsl(Buffer.from(security.caPem));
}

export function authMetadata(security: ClientSecurity | undefined): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (security?.token !== undefined) metadata.set(AUTHORIZATION_KEY, `Bearer ${security.token}`);
  return metadata;
}

export function serverCredentials(security: ServerSecurity | undefined): grpc.ServerCredentials {
  if (security?.certPem === undefined || security.keyPem === undefined) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(security.certPem), private_key: Buffer.from(security.keyPem) }], false);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * A checker for the `authorization` metadata of a call; undefined token = every call passes.
 * Both sides are hashed first so timingSafeEqual compares equal lengths and the time taken says
 * nothing about the token's length or prefix.
 */
export function tokenChecker(token: string | undefined): (metadata: grpc.Metadata) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(`Bearer ${token}`);
  return (metadata) => {
    const values = metadata.get(AUTHORIZATION_KEY);
    if (values.length !== 1 || typeof values[0] !== 'string') return false;
    return timingSafeEqual(digest(values[0]), expected);
  };
}
