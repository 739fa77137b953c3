import { splitHeaderBlock, unfoldHeaderLines } from './header-block.ts';

/**
 * Structural problems mailparser tolerates silently but a user debugging their mailer wants to
 * see: a body with no header section, multipart without a boundary, a boundary that never
 * appears, a multipart body that is never closed. Checks the top level only, in linear time.
 * Returns a sentence for the first problem found, or null.
 */
export function findMimeProblem(raw: Buffer): string | null {
  const { headerEnd, bodyStart } = splitHeaderBlock(raw);
  const lines = unfoldHeaderLines(raw.toString('latin1', 0, headerEnd));
  const first = lines[0] ?? '';
  if (!/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(first)) {
    return 'no header section: the message does not start with a "Name: value" header line';
  }
  const bad = lines.find((line) => line !== '' && !/^[\x21-\x39\x3b-\x7e]+[ \t]*:/.test(line));
  if (bad !== undefined) return `malformed header line: "${bad.slice(0, 60)}"`;

  const contentType = lines.find((line) => /^content-type[ \t]*:/i.test(line));
  if (!contentType || !/:\s*multipart\//i.test(contentType)) return null;
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) return 'multipart Content-Type has no boundary parameter';
  const body = raw.subarray(bodyStart);
  if (body.indexOf(`--${value}`) === -1) return `multipart boundary "${value}" never appears in the body`;
  if (body.indexOf(`--${value}--`) === -1) return `multipart body is not closed with "--${value}--"`;
  return null;
}
