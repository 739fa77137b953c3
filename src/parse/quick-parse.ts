import { MailParser, type ParsedMail } from 'mailparser';
import {
  headerLines,
  MAX_HEADER_BYTES,
  plainHeaderBytes,
  simpleTextPlain,
  valueOf,
  type HeaderLine,
} from './quick-headers.ts';
import { mixedBody, mixedBoundary, type QuickAttachment } from './quick-multipart.ts';

/**
 * What simpleParser would return for the commonest mail a test suite sends: one text/plain part
 * in 7bit or 8bit, UTF-8 or US-ASCII, with plain ASCII headers. Such a message is read here
 * synchronously in about a tenth of simpleParser's time (bench/README.md: 2 KB mail, ~135 µs),
 * which streams it through mailsplit with a loop turn per chunk. Only headers whose reading
 * cannot differ are read here (plain Subject and Message-ID, simple address lists); other address
 * lists still go through mailparser's own processHeaders. Anything else
 * (encoded words, 8-bit or NUL bytes in headers, bare LF, other types, encodings or charsets,
 * format=flowed, a disposition) returns null and the caller parses with mailparser.
 * test/parse/quick-parse.test.ts compares both on every fixture and on generated variants.
 */
export function quickParse(raw: Buffer): ParsedMail | null {
  const headerEnd = raw.indexOf('\r\n\r\n');
  if (headerEnd <= 0 || headerEnd > MAX_HEADER_BYTES || !plainHeaderBytes(raw, 0, headerEnd)) return null;
  const lines = headerLines(raw.toString('latin1', 0, headerEnd));
  if (lines === null) return null;
  const body = bodyOf(raw, headerEnd + 4, lines);
  if (body === null) return null;
  const addressLines = lines.filter((l) => ADDRESS_FIELDS.has(l.key));
  const addresses = simpleAddressHeaders(addressLines);
  const headers = addresses ? new Map<string, unknown>() : processor.processHeaders(addressLines);
  plainTextHeaders(lines, headers);
  const parsed: Record<string, unknown> = { attachments: body.attachments, headers, headerLines: lines };
  // simpleParser copies these header values onto the result (its 'end' handler).
  for (const [key, field] of SUMMARY_FIELDS) if (headers.has(key)) parsed[field] = headers.get(key);
  if (addresses) Object.assign(parsed, addresses);
  // mailparser leaves `text` unset for an empty body.
  if (body.text) parsed.text = body.text;
  return parsed as unknown as ParsedMail;
}

/** The text and attachments of a body the quick parse can read, or null. */
function bodyOf(
  raw: Buffer,
  bodyStart: number,
  lines: readonly HeaderLine[],
): { text: string; attachments: QuickAttachment[] } | null {
  if (simpleTextPlain(lines)) {
    return { text: raw.toString('utf8', bodyStart).replaceAll('\r\n', '\n'), attachments: [] };
  }
  const boundary = mixedBoundary(lines);
  return boundary === null ? null : mixedBody(raw, bodyStart, boundary);
}

/**
 * The headers the summary reads from the decoded map, and the ParsedMail field each becomes.
 * The others are only read raw (headerLines), so decoding them would be wasted.
 */
const SUMMARY_FIELDS: readonly [string, string][] = [
  ['subject', 'subject'],
  ['message-id', 'messageId'],
  ['from', 'from'],
  ['to', 'to'],
  ['cc', 'cc'],
  ['bcc', 'bcc'],
  ['reply-to', 'replyTo'],
];

/**
 * Subject and Message-ID as mailparser's processHeaders gives them for the plain header bytes the
 * quick parse takes (no encoded word, so decodeWords changes nothing): the unfolded, trimmed
 * value of the first one that is not empty, the Message-ID in angle brackets
 * (ensureMessageIDFormat). processHeaders took about 2 of the 24 µs of the 2 KB bench mail's
 * quick summary for these two (profile of a loop over that mail).
 */
function plainTextHeaders(lines: readonly HeaderLine[], headers: Map<string, unknown>): void {
  for (const { key, line } of lines) {
    if ((key !== 'subject' && key !== 'message-id') || headers.has(key)) continue;
    const value = valueOf(line);
    if (value === '') continue;
    headers.set(key, key === 'subject' ? value : messageIdFormat(value));
  }
}

function messageIdFormat(value: string): string {
  return `${value.startsWith('<') ? '' : '<'}${value}${value.endsWith('>') ? '' : '>'}`;
}

/**
 * The address headers, read here when every one of them is a plain list of `addr`, `<addr>`,
 * `Name <addr>` or `"Name" <addr>`: the forms nodemailer and most apps write. mailparser's
 * processHeaders runs addressparser, decodes each name and domain and also formats every list
 * as HTML (he.encode) and text, which took 80 µs of a 2 KB message's ~130 µs quick parse
 * (profile of the 2 KB ingest bench). The result is what processHeaders puts on ParsedMail
 * (`{ value }`, one per To/Cc/Bcc header, the first From and Reply-To); any other form (comments,
 * groups, escapes, punycode, an empty list) returns null and mailparser reads them all.
 */
function simpleAddressHeaders(lines: readonly HeaderLine[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const { key, line } of lines) {
    const field = ADDRESS_FIELDS.get(key);
    if (field === undefined) continue;
    const value = simpleAddressList(valueOf(line));
    if (value === null) return null;
    const parsed = { value };
    const earlier = out[field] as { value: unknown } | { value: unknown }[] | undefined;
    if (earlier === undefined) out[field] = parsed;
    else if (!SINGLE_ADDRESS_FIELDS.has(key)) out[field] = [earlier, parsed].flat();
  }
  return out;
}

const ADDRESS_FIELDS: ReadonlyMap<string, string> = new Map([
  ['from', 'from'],
  ['to', 'to'],
  ['cc', 'cc'],
  ['bcc', 'bcc'],
  ['reply-to', 'replyTo'],
]);
/** mailparser keeps the first of these when a message repeats them. */
const SINGLE_ADDRESS_FIELDS: ReadonlySet<string> = new Set(['from', 'reply-to']);

const ADDR_SPEC = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*';
/** One list item and the comma after it: bare address, or optional (quoted) name and <address>. */
const ADDRESS_ITEM = new RegExp(
  `(?:(${ADDR_SPEC})|(?:([A-Za-z0-9]+(?: [A-Za-z0-9]+)*) |"([A-Za-z0-9,.'-]+(?: [A-Za-z0-9,.'-]+)*)" ?)?<(${ADDR_SPEC})>)(?: ?, ?|$)`,
  'y',
);

export function simpleAddressList(value: string): { address: string; name: string }[] | null {
  if (value === '' || value.includes('xn--')) return null;
  const list: { address: string; name: string }[] = [];
  ADDRESS_ITEM.lastIndex = 0;
  while (ADDRESS_ITEM.lastIndex < value.length) {
    const at = ADDRESS_ITEM.lastIndex;
    const m = ADDRESS_ITEM.exec(value);
    if (!m || ADDRESS_ITEM.lastIndex === at) return null;
    list.push({ address: (m[1] ?? m[4]) as string, name: m[2] ?? m[3] ?? '' });
  }
  // A trailing comma ("a@x, ") ends the last match at the end: addressparser ignores it too,
  // but anything short of the end is some other form.
  return list;
}

interface HeaderProcessor {
  processHeaders(lines: HeaderLine[]): Map<string, unknown>;
}

/** mailparser's header decoding; one instance serves every call (processHeaders keeps no state). */
const processor = new MailParser() as unknown as HeaderProcessor;
