/**
 * The messages the benchmark sends. Each size is built once: a shared, already dot-stuffed
 * Buffer (remaining headers + body + the final ".") and, per message, a ~100-byte head with a
 * unique Message-ID and Subject, so the server stores distinguishable messages while the client
 * builds almost nothing per message.
 *
 * Up to 16 KiB the message is a plain-text mail (like a sign-up or password-reset mail); above,
 * it is multipart/mixed with a short text part and a base64 attachment filling the rest (like a
 * mail with a PDF attached), so the 100 KB scenario exercises MIME parsing of an attachment.
 */

export const SENDER = 'sender@bench.catchall.test';
export const RECIPIENT = 'rcpt@bench.catchall.test';

/** Above this total size the message carries an attachment. */
const ATTACHMENT_ABOVE = 16 * 1024;

export interface MessageTemplate {
  /** Target size of the message as stored (headers + body, without dot-stuffing or terminator). */
  readonly size: number;
  /** e.g. "2 KB", "100 KB". */
  readonly label: string;
  readonly kind: 'text' | 'attachment';
  /** `MAIL FROM` + `RCPT TO` + `DATA` of message `index`, pipelined (often one shared Buffer). */
  envelope(index: number): Buffer;
  /** The unique first header lines of message `index` (a fresh Buffer: safe to hand to a socket). */
  head(index: number): Buffer;
  /** Everything after the head, dot-stuffed, ending with "\r\n.\r\n" (often one shared Buffer). */
  rest(index: number): Buffer;
  /** Stored size of message `index` (head + rest without the dot-stuffing and the final ".\r\n"). */
  storedSize(index: number): number;
}

/** "2k" → 2048, "100KB" → 102400, "5000" → 5000. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(k|kb|kib|m|mb|mib)?\s*$/i.exec(text);
  if (!match) throw new Error(`not a size: "${text}" (use e.g. 2k, 100k, 1m, 5000)`);
  const unit = (match[2] ?? '').toLowerCase();
  const factor = unit.startsWith('m') ? 1024 * 1024 : unit.startsWith('k') ? 1024 : 1;
  return Math.round(Number(match[1]) * factor);
}

/** The pipelined envelope commands of one transaction. */
export function envelopeBuffer(from: string, to: string): Buffer {
  return Buffer.from(`MAIL FROM:<${from}>\r\nRCPT TO:<${to}>\r\nDATA\r\n`, 'latin1');
}

const ENVELOPE = envelopeBuffer(SENDER, RECIPIENT);

export function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} B`;
}

/**
 * `tag` keeps Message-IDs unique across runs (one tag per run). With `to`, every message gets
 * its own recipient (envelope and `To:` header), e.g. one address per latency probe so that a
 * `?query=to:…` waiter is released by exactly that message.
 */
export function buildTemplate(size: number, tag: string, to?: (index: number) => string): MessageTemplate {
  const label = sizeLabel(size);
  const headText = (index: number) =>
    `Message-ID: <${tag}.${index}@bench.catchall.test>\r\nSubject: catchall bench ${label} #${index}\r\n` +
    (to ? `To: <${to(index)}>\r\n` : '');
  // Size the body for a typical head (5-digit index); a few bytes either way do not matter.
  const headBytes = Buffer.byteLength(headText(10_000));
  const kind = size > ATTACHMENT_ABOVE ? 'attachment' : 'text';
  const common =
    `From: "Catchall Bench" <${SENDER}>\r\n` +
    (to ? '' : `To: <${RECIPIENT}>\r\n`) +
    'Date: Mon, 23 Nov 2026 12:00:00 +0000\r\n' +
    'MIME-Version: 1.0\r\n';
  let rest: string;
  if (kind === 'text') {
    const headers = `${common}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n`;
    rest = headers + textBody(Math.max(0, size - headBytes - headers.length));
  } else {
    const boundary = '----=_catchall_bench_boundary';
    const intro = textBody(600);
    const before =
      `${common}Content-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n` +
      `${intro}--${boundary}\r\n` +
      'Content-Type: application/pdf; name="report.pdf"\r\n' +
      'Content-Disposition: attachment; filename="report.pdf"\r\n' +
      'Content-Transfer-Encoding: base64\r\n\r\n';
    const after = `--${boundary}--\r\n`;
    rest = before + base64Body(Math.max(0, size - headBytes - before.length - after.length)) + after;
  }
  const storedRest = Buffer.byteLength(rest);
  const wire = Buffer.from(`${dotStuff(rest)}.\r\n`, 'utf8');
  return {
    size,
    label,
    kind,
    envelope: to ? (index) => envelopeBuffer(SENDER, to(index)) : () => ENVELOPE,
    head: (index) => Buffer.from(headText(index), 'latin1'),
    rest: () => wire,
    storedSize: (index) => Buffer.byteLength(headText(index)) + storedRest,
  };
}

/** RFC 5321 §4.5.2: a line starting with "." gets another "."; `text` must start at a line start. */
export function dotStuff(text: string): string {
  return text.replace(/(^|\r\n)\./g, '$1..');
}

const WORDS = (
  'please confirm your email address by clicking the link below if you did not create an account ' +
  'you can safely ignore this message the link expires in twenty four hours your verification code ' +
  'is shown here for convenience thanks for signing up we are glad to have you on board regards team'
).split(' ');

/** Plain text of `bytes` bytes (± one line), CRLF lines of at most 76 characters, ending with CRLF. */
function textBody(bytes: number): string {
  const lines: string[] = [];
  let total = 0;
  let w = 0;
  while (total < bytes) {
    let line = lines.length === 3 ? '.signature line starting with a dot (dot-stuffed on the wire)' : '';
    while (line.length < 70) line += (line ? ' ' : '') + WORDS[w++ % WORDS.length];
    const room = bytes - total - 2;
    if (room <= 0) break;
    if (line.length > room) line = line.slice(0, room);
    lines.push(line);
    total += line.length + 2;
  }
  return lines.map((l) => `${l}\r\n`).join('');
}

/** Base64 of deterministic pseudo-random bytes, 76-character lines, about `bytes` long. */
function base64Body(bytes: number): string {
  const raw = Buffer.alloc(Math.floor((bytes * 76) / 78 / 4) * 3);
  let x = 0x2545f491;
  for (let i = 0; i < raw.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    raw[i] = x & 0xff;
  }
  const b64 = raw.toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i += 76) out += `${b64.slice(i, i + 76)}\r\n`;
  return out;
}
