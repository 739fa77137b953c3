import { createHash, timingSafeEqual } from 'node:crypto';
import type { SMTPServerAuthentication } from 'smtp-server';

export type AuthVerdict = { readonly ok: true; readonly user: string } | { readonly ok: false };

/**
 * Checks SMTP credentials. Without a credentials file every username and password is accepted
 * (a sink must take whatever an app is configured with). With one, PLAIN/LOGIN passwords are
 * compared in constant time and CRAM-MD5 responses are verified against the stored password.
 */
export function checkCredentials(
  auth: SMTPServerAuthentication,
  credentials: ReadonlyMap<string, string> | null,
): AuthVerdict {
  const user = auth.username ?? '';
  if (credentials === null) return { ok: true, user };
  const expected = credentials.get(user);
  if (expected === undefined) {
    // Same work for an unknown user as for a wrong password, so timing does not reveal usernames.
    equalSecret(auth.password ?? '', '\u0000unknown-user');
    return { ok: false };
  }
  if (auth.method === 'CRAM-MD5') return auth.validatePassword(expected) ? { ok: true, user } : { ok: false };
  return equalSecret(auth.password ?? '', expected) ? { ok: true, user } : { ok: false };
}

/** Constant-time comparison of two strings of any length (hashing first equalises the lengths). */
function equalSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
