/**
 * A copy of a multipart message with the bodies of its attachment-like parts emptied, for the
 * summary parse: the summary needs every header and the text parts, but not the bytes of a PDF
 * or an image. mailparser spends about 0.5 ms decoding a 75 KB base64 attachment here, most of
 * the cost of ingesting a 100 KB mail (bench/README.md); finding the parts with Buffer.indexOf
 * costs microseconds. The full parse for the message view always reads the original bytes.
 *
 * Returns null when there is nothing worth removing or the structure is not regular enough to
 * be sure (no boundary, unclosed parts, deep nesting): the caller then parses the original.
 */
export function summaryView(raw: Buffer): Buffer | null {
  const out: Buffer[] = [];
  const removed = { bytes: 0 };
  if (!copyEntity(raw, 0, raw.length, out, removed, 0)) return null;
  return removed.bytes >= MIN_SAVING_BYTES ? Buffer.concat(out) : null;
}

/** Below this, rewriting the message costs more than it saves. */
const MIN_SAVING_BYTES = 16 * 1024;
/** Real mail nests 3 or 4 deep (mixed > alternative > related); deeper is left to mailparser. */
const MAX_DEPTH = 8;

/** Copies the entity raw[start, end) into `out`, emptying non-text leaves; false if irregular. */
function copyEntity(
  raw: Buffer,
  start: number,
  end: number,
  out: Buffer[],
  removed: { bytes: number },
  depth: number,
): boolean {
  const split = headerSplit(raw, start, end);
  if (split === null) return false;
  const headers = raw.toString('latin1', start, split.headerEnd);
  const type = headerValue(headers, 'content-type').toLowerCase();
  const disposition = headerValue(headers, 'content-disposition').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(headerValue(headers, 'content-type'));
    const value = boundary?.[1] ?? boundary?.[2];
    if (!value || depth >= MAX_DEPTH) return false;
    out.push(raw.subarray(start, split.bodyStart));
    return copyMultipart(raw, split.bodyStart, end, value, out, removed, depth + 1);
  }
  const keep = type === '' || type.startsWith('text/') || type.startsWith('message/');
  if (keep && !disposition.startsWith('attachment')) {
    out.push(raw.subarray(start, end));
    return true;
  }
  out.push(raw.subarray(start, split.bodyStart));
  removed.bytes += end - split.bodyStart;
  return true;
}

function copyMultipart(
  raw: Buffer,
  start: number,
  end: number,
  boundary: string,
  out: Buffer[],
  removed: { bytes: number },
  depth: number,
): boolean {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let at = findDelimiter(raw, delimiter, start, end);
  if (at === -1) return false;
  out.push(raw.subarray(start, at)); // preamble
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    if (raw[afterDelimiter] === 0x2d && raw[afterDelimiter + 1] === 0x2d) {
      out.push(raw.subarray(at, end)); // closing delimiter and epilogue
      return true;
    }
    const partStart = lineEnd(raw, afterDelimiter, end);
    const next = findDelimiter(raw, delimiter, partStart, end);
    if (next === -1) return false;
    // The line break before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    const partEnd = raw[next - 2] === 0x0d ? next - 2 : next - 1;
    out.push(raw.subarray(at, partStart));
    if (partEnd < partStart || !copyEntity(raw, partStart, partEnd, out, removed, depth)) return false;
    out.push(raw.subarray(partEnd, next));
    at = next;
  }
}

/** The next "--boundary" at the start of a line, followed by white space, CR, LF or "--". */
function findDelimiter(raw: Buffer, delimiter: Buffer, from: number, end: number): number {
  let at = raw.indexOf(delimiter, from);
  while (at !== -1 && at < end) {
    const lineStart = at === from || raw[at - 1] === 0x0a;
    const next = raw[at + delimiter.length];
    const clean =
      next === undefined || next === 0x0d || next === 0x0a || next === 0x2d || next === 0x20 || next === 0x09;
    if (lineStart && clean) return at;
    at = raw.indexOf(delimiter, at + 1);
  }
  return -1;
}

function lineEnd(raw: Buffer, from: number, end: number): number {
  const lf = raw.indexOf(0x0a, from);
  return lf === -1 || lf >= end ? end : lf + 1;
}

function headerSplit(
  raw: Buffer,
  start: number,
  end: number,
): { headerEnd: number; bodyStart: number } | null {
  if (raw[start] === 0x0d && raw[start + 1] === 0x0a) return { headerEnd: start, bodyStart: start + 2 };
  if (raw[start] === 0x0a) return { headerEnd: start, bodyStart: start + 1 };
  const crlf = raw.indexOf('\r\n\r\n', start, 'latin1');
  const lf = raw.indexOf('\n\n', start, 'latin1');
  const useCrlf = crlf !== -1 && crlf < end && (lf === -1 || crlf < lf);
  if (useCrlf) return { headerEnd: crlf + 2, bodyStart: crlf + 4 };
  if (lf !== -1 && lf < end) return { headerEnd: lf + 1, bodyStart: lf + 2 };
  return null;
}

function headerValue(headers: string, name: string): string {
  const unfolded = headers.replace(/\r?\n(?=[ \t])/g, '');
  const match = new RegExp(`^${name}[ \\t]*:(.*)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() ?? '';
}
