/** Header-block helpers of the quick parses (quick-parse.ts, quick-multipart.ts). */

export interface HeaderLine {
  readonly key: string;
  line: string;
}

/** Far below mailparser's own limit for a header block (1 MiB); real mail has a few KB. */
export const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Printable ASCII, tab and CRLF only, and no encoded word ("=?"): then mailparser's decoding
 * (libmime.decodeHeader, the binary-to-UTF-8 round trip, decodeWords) leaves every value as is.
 */
export function plainHeaderBytes(raw: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = raw[i] as number;
    if (c >= 0x20 && c < 0x7f) {
      if (c === 0x3d && raw[i + 1] === 0x3f) return false;
      continue;
    }
    if (c === 0x09) continue;
    if (c === 0x0d && raw[i + 1] === 0x0a) {
      i++;
      continue;
    }
    return false;
  }
  return true;
}

/**
 * The header lines as mailsplit's Headers reports them: key lower-cased, folded lines joined
 * with CRLF. Null for anything that is not a plain "Name: value" block (mbox "From " lines,
 * lines without a colon or with an unusual name).
 */
export function headerLines(block: string): HeaderLine[] | null {
  const lines: HeaderLine[] = [];
  for (const text of block.split('\r\n')) {
    if (text.charCodeAt(0) === 0x20 || text.charCodeAt(0) === 0x09) {
      const last = lines[lines.length - 1];
      if (!last) return null;
      last.line += `\r\n${text}`;
      continue;
    }
    const colon = text.indexOf(':');
    if (colon <= 0 || !/^[A-Za-z0-9-]+$/.test(text.slice(0, colon))) return null;
    lines.push({ key: text.slice(0, colon).toLowerCase(), line: text });
  }
  return lines;
}

/** One text/plain part in 7bit or 8bit, in UTF-8 or US-ASCII (mailparser decodes neither). */
export function simpleTextPlain(lines: readonly HeaderLine[]): boolean {
  let type = 0;
  let encoding = 0;
  for (const { key, line } of lines) {
    if (key === 'content-type') {
      if (
        type++ > 0 ||
        !/^text\/plain(?:\s*;\s*charset\s*=\s*(?:"?(?:utf-8|us-ascii)"?))?\s*;?$/i.test(valueOf(line))
      ) {
        return false;
      }
    } else if (key === 'content-transfer-encoding') {
      if (encoding++ > 0 || !/^(?:7bit|8bit)$/i.test(valueOf(line))) return false;
    } else if (key === 'content-disposition') {
      return false;
    }
  }
  return true;
}

/** A header line's value as libmime.decodeHeader gives it: folds turned into one space, trimmed. */
export function valueOf(line: string): string {
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r\n[ \t]*/g, ' ')
    .trim();
}
