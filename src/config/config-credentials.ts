import type { Parsed } from './config-values.ts';

/**
 * Parses a credentials file: one `user:password` per line; blank lines and lines starting with
 * `#` are ignored; the password is everything after the first colon (so it may contain colons).
 * Mailpit's files also allow bcrypt/htpasswd hashes; catchall takes plain passwords because
 * CRAM-MD5 needs the clear password to verify the client's HMAC.
 */
export function parseCredentials(content: string): Parsed<ReadonlyMap<string, string>> {
  const credentials = new Map<string, string>();
  const lines = content.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) return { ok: false, error: `line ${index + 1} is not "user:password"` };
    credentials.set(trimmed.slice(0, colon), trimmed.slice(colon + 1));
  }
  if (credentials.size === 0) return { ok: false, error: 'no "user:password" lines' };
  return { ok: true, value: credentials };
}
