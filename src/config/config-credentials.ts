import type { Parsed } from './config-values.ts';

/**
 * Parses a credentials file: one `user:password` per line; blank lines and lines starting with
 * `#` are ignored; the password is everything after the first colon (so it may contain colons).
 * Mailpit's files also allow bcrypt/htpasswd hashes; catchall takes plain passwords because
 * CRAM-MD5 needs the clear password to verify the client's HMAC.
 */
/** bcrypt, APR1/MD5-crypt, SHA-crypt and {SHA} hashes, as htpasswd writes them. */
const HASHED = /^(\$2[abxy]?\$\d\d\$|\$apr1\$|\$1\$|\$5\$|\$6\$|\{SHA\})/;

export function parseCredentials(content: string): Parsed<ReadonlyMap<string, string>> {
  const credentials = new Map<string, string>();
  const lines = content.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) return { ok: false, error: `line ${index + 1} is not "user:password"` };
    const password = trimmed.slice(colon + 1);
    if (HASHED.test(password)) {
      return {
        ok: false,
        error: `line ${index + 1} holds a password hash (as in Mailpit's htpasswd files); catchall needs the plain password`,
      };
    }
    credentials.set(trimmed.slice(0, colon), password);
  }
  if (credentials.size === 0) return { ok: false, error: 'no "user:password" lines' };
  return { ok: true, value: credentials };
}
