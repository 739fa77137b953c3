import { splitHeaderBlock, unfoldHeaderLines } from './header-block.ts';

/**
 * The top-level header fields of a raw message as Mailpit's /headers returns them (Go's
 * mail.Header): canonical names ("Content-Type", "Message-Id"), each with every value in order,
 * unfolded but not decoded.
 */
export function readHeaders(raw: Buffer): Record<string, string[]> {
  const { headerEnd } = splitHeaderBlock(raw);
  const headers: Record<string, string[]> = {};
  for (const line of unfoldHeaderLines(raw.toString('utf8', 0, headerEnd))) {
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
