/** mailparser's own default limit for one header block (maxHeadSize). */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * Where a message's top-level header block ends and its body starts (the first empty line,
 * CRLF or bare LF); with no empty line, the whole message (up to 1 MiB) is header.
 */
export function splitHeaderBlock(raw: Buffer): { headerEnd: number; bodyStart: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  if (crlf === -1 && lf === -1) {
    const end = Math.min(raw.length, MAX_HEADER_BYTES);
    return { headerEnd: end, bodyStart: raw.length };
  }
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { headerEnd: crlf, bodyStart: crlf + 4 };
  return { headerEnd: lf, bodyStart: lf + 2 };
}

/** Header lines with folded continuations joined (RFC 5322 §2.2.3). */
export function unfoldHeaderLines(header: string): string[] {
  return header.replace(/\r?\n(?=[ \t])/g, '').split(/\r?\n/);
}
