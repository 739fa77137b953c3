import { headerLines, plainHeaderBytes, simpleTextPlain, valueOf, type HeaderLine } from './quick-headers.ts';

/** What the summary reads of an attachment (parse-summary.ts: the count and the file name). */
export interface QuickAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly contentDisposition: 'attachment';
  readonly related: false;
}

/** More parts than this is not the simple mail this path is for. */
const MAX_PARTS = 32;

/**
 * The boundary of a top-level `multipart/mixed` in 7bit or 8bit with nothing else in its
 * Content-Type; null for any other message.
 */
export function mixedBoundary(lines: readonly HeaderLine[]): string | null {
  let boundary: string | null = null;
  for (const { key, line } of lines) {
    if (key === 'content-type') {
      if (boundary !== null) return null;
      const match =
        /^multipart\/mixed\s*;\s*boundary\s*=\s*(?:"([A-Za-z0-9'()+_,./:=?-]+)"|([A-Za-z0-9'+_.=-]+))$/i.exec(
          valueOf(line),
        );
      if (!match) return null;
      boundary = (match[1] ?? match[2]) as string;
    } else if (key === 'content-transfer-encoding') {
      if (!/^(?:7bit|8bit)$/i.test(valueOf(line))) return null;
    } else if (key === 'content-disposition') {
      return null;
    }
  }
  return boundary;
}

/**
 * The body of the commonest mail with attachments, read without mailparser: a `multipart/mixed`
 * whose first part is plain text (quick-parse.ts's rules) and whose other parts are attachments
 * with a plain file name. Attachments are only counted and named, never decoded: mailparser
 * decoded each one's base64 (plus the rest of its streaming parse) for about 12 % of the SMTP
 * thread's time in the 100 KB ingest bench. Anything else (a preamble or epilogue, padding after
 * a boundary, nested or inline parts, a Content-ID, an encoded or RFC 2231 file name, a second
 * text part) returns null, and mailparser reads the message. test/parse/quick-parse.test.ts
 * compares both on every fixture and on generated variants.
 */
export function mixedBody(
  raw: Buffer,
  bodyStart: number,
  boundary: string,
): { text: string; attachments: QuickAttachment[] } | null {
  const first = Buffer.from(`--${boundary}\r\n`);
  if (raw.compare(first, 0, first.length, bodyStart, bodyStart + first.length) !== 0) return null;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const parts: [number, number][] = [];
  for (let start = bodyStart + first.length; ;) {
    const end = raw.indexOf(delimiter, start);
    if (end === -1 || parts.length === MAX_PARTS) return null;
    parts.push([start, end]);
    const after = end + delimiter.length;
    if (raw[after] === 0x2d && raw[after + 1] === 0x2d) {
      // The close delimiter, then at most a line break: no epilogue.
      const tail = raw.length - after - 2;
      if (tail === 0 || (tail === 2 && raw[after + 2] === 0x0d && raw[after + 3] === 0x0a)) break;
      return null;
    }
    if (raw[after] !== 0x0d || raw[after + 1] !== 0x0a) return null;
    start = after + 2;
  }
  const [textPart, ...rest] = parts as [[number, number], ...[number, number][]];
  const text = textOf(raw, textPart[0], textPart[1]);
  if (text === null) return null;
  const attachments: QuickAttachment[] = [];
  for (const [start, end] of rest) {
    const attachment = attachmentOf(raw, start, end);
    if (attachment === null) return null;
    attachments.push(attachment);
  }
  return { text, attachments };
}

function partHeaders(
  raw: Buffer,
  start: number,
  end: number,
): { lines: HeaderLine[]; bodyStart: number } | null {
  const headerEnd = raw.indexOf('\r\n\r\n', start);
  if (headerEnd <= start || headerEnd + 4 > end || !plainHeaderBytes(raw, start, headerEnd)) return null;
  const lines = headerLines(raw.toString('latin1', start, headerEnd));
  return lines === null ? null : { lines, bodyStart: headerEnd + 4 };
}

/** The first part: plain text with only a Content-Type and a Content-Transfer-Encoding. */
function textOf(raw: Buffer, start: number, end: number): string | null {
  const part = partHeaders(raw, start, end);
  if (part === null || part.lines.length === 0) return null;
  if (part.lines.some((l) => l.key !== 'content-type' && l.key !== 'content-transfer-encoding')) return null;
  if (!simpleTextPlain(part.lines)) return null;
  return raw.toString('utf8', part.bodyStart, end).replaceAll('\r\n', '\n');
}

/** A non-text part given as an attachment with a plain quoted or bare file name. */
function attachmentOf(raw: Buffer, start: number, end: number): QuickAttachment | null {
  const part = partHeaders(raw, start, end);
  if (part === null) return null;
  let contentType: string | null = null;
  let filename: string | null = null;
  for (const { key, line } of part.lines) {
    const value = valueOf(line);
    if (key === 'content-type' && contentType === null) {
      const type =
        /^([a-z0-9-]+\/[a-z0-9.+-]+)(?:\s*;\s*name\s*=\s*(?:"[A-Za-z0-9._ -]+"|[A-Za-z0-9._-]+))?$/i.exec(
          value,
        );
      if (!type || /^(?:text|multipart|message)\//i.test(value)) return null;
      contentType = (type[1] as string).toLowerCase();
    } else if (key === 'content-disposition' && filename === null) {
      const match =
        /^attachment\s*;\s*filename\s*=\s*(?:"([A-Za-z0-9._-]+(?: [A-Za-z0-9._-]+)*)"|([A-Za-z0-9._-]+))$/i.exec(
          value,
        );
      if (!match) return null;
      filename = (match[1] ?? match[2]) as string;
    } else if (key !== 'content-transfer-encoding') {
      return null;
    }
  }
  if (contentType === null || filename === null) return null;
  return { filename, contentType, contentDisposition: 'attachment', related: false };
}
