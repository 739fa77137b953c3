import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generate } from 'selfsigned';
import type { TlsFiles } from '../config/config-types.ts';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** Where the certificate is, when it is a file (given, or generated beside a persistent database). */
  readonly certPath: string | null;
  readonly generated: boolean;
}

/** Ten years: a local test certificate that clients pin should not expire under them. */
const VALIDITY_MS = 10 * 365 * 24 * 60 * 60 * 1000;

/**
 * The certificate for STARTTLS and SMTPS: the one given with --smtp-tls-cert/--smtp-tls-key, or a
 * self-signed one for localhost, 127.0.0.1 and ::1. With a persistent database the generated pair
 * is kept beside it (DATABASE.cert.pem / DATABASE.key.pem) and reused, so clients can pin it.
 */
export async function loadTlsMaterial(
  given: TlsFiles | null,
  database: string | null,
  hostname: string,
): Promise<TlsMaterial> {
  if (given) return { cert: given.cert, key: given.key, certPath: given.certPath, generated: false };
  const certPath = database ? `${database}.cert.pem` : null;
  const keyPath = database ? `${database}.key.pem` : null;
  if (certPath && keyPath && existsSync(certPath) && existsSync(keyPath)) {
    return {
      cert: readFileSync(certPath, 'utf8'),
      key: readFileSync(keyPath, 'utf8'),
      certPath,
      generated: true,
    };
  }
  const names = [...new Set(['localhost', hostname])];
  const pems = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + VALIDITY_MS),
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          ...names.map((value) => ({ type: 2 as const, value })),
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  if (certPath && keyPath) {
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  return { cert: pems.cert, key: pems.private, certPath, generated: true };
}
