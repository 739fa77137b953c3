/**
 * The top-level header fields of a raw message as Mailpit's /headers returns them (Go's
 * mail.Header): canonical names ("Content-Type", "Message-Id"), each with every value in order,
 * unfolded but not decoded.
 */
export function readHeaders(raw: Buffer): Record<string, string[]> {
  const end = headerEnd(raw);
  const block = raw.toString('utf8', 0, end).replace(/\r?\n(?=[ \t])/g, '');
  const headers: Record<string, string[]> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = canonicalName(line.slice(0, colon).trim());
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  // Go's encoding/json writes map keys sorted, so Mailpit's /headers is sorted by name.
  return Object.fromEntries(Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Go's textproto.CanonicalMIMEHeaderKey: first letter and each letter after "-" upper-cased. */
function canonicalName(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

/** mailparser's default limit for a header block (1 MiB). */
const MAX_HEADER_BYTES = 1024 * 1024;

function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const candidates = [crlf, lf].filter((i) => i >= 0);
  return Math.min(candidates.length > 0 ? Math.min(...candidates) : raw.length, MAX_HEADER_BYTES);
}
