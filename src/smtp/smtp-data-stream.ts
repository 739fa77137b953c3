import { SMTPStream } from 'smtp-server/lib/smtp-stream.js';

type Done = (error?: Error | null) => void;

const NEWLINE_DOT = Buffer.from('\n.');
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/**
 * The bytes of one call: the few bytes held back by the previous chunk (`carry`, at most 4, not
 * yet passed on) followed by the new chunk, addressed as one sequence without copying the chunk.
 * smtp-server's own decoder concatenates the two, which copies every chunk of every message once
 * more: a third of the buffer memory a 100 KB message allocates, and buffer memory is what makes
 * V8 collect garbage every ~100 ms during 100 KB ingest (--trace-gc).
 */
class Joined {
  readonly length: number;

  constructor(
    readonly carry: Buffer,
    readonly chunk: Buffer,
  ) {
    this.length = carry.length + chunk.length;
  }

  at(index: number): number | undefined {
    const held = this.carry.length;
    return index < held ? this.carry[index] : this.chunk[index - held];
  }

  /** The bytes [from, to) as one or two views (never copied). */
  pieces(from: number, to: number): Buffer[] {
    const held = this.carry.length;
    const pieces: Buffer[] = [];
    if (from < held) pieces.push(this.carry.subarray(from, Math.min(to, held)));
    if (to > held) pieces.push(this.chunk.subarray(Math.max(from - held, 0), to - held));
    return pieces.filter((piece) => piece.length > 0);
  }

  /** The bytes from `from` to the end as one buffer (copied only when they start in the carry). */
  rest(from: number): Buffer {
    const held = this.carry.length;
    if (from >= held) return this.chunk.subarray(from - held);
    return Buffer.concat([this.carry.subarray(from), this.chunk]);
  }
}

/**
 * smtp-server's DATA decoder (SMTPStream#_feedDataStream) with the same contract, state and
 * output, but (1) finding line-leading dots with Buffer#indexOf instead of a JavaScript loop over
 * every byte: that loop took 13 % of the SMTP thread at 100 KB messages (~125 µs a message in the
 * 100 KB ingest profile), and each dot-stuffed line cost it a turn of the event loop; (2) without
 * copying each chunk (Joined, above). Installed by installDataDecoder();
 * test/smtp/smtp-data-stream.test.ts checks it against the original on every way of splitting
 * messages into chunks.
 *
 * As in the original: the last 4 bytes are held back (_lastBytes), so that a terminator split
 * across chunks is found; a dot is judged only with 2 bytes on each side of it; and a "." at the
 * very start of DATA is checked only while nothing has been consumed (_atDataStart), so TCP
 * segmentation cannot end DATA early and smuggle commands.
 */
export function feedDataStream(this: SMTPStream, chunk: Buffer, done: Done): void {
  const dataStream = this._dataStream;
  if (!dataStream) return done();
  const data = new Joined(this._lastBytes || EMPTY, chunk);
  this._lastBytes = false;
  const len = data.length;
  if (this._atDataStart && len >= 3 && data.at(0) === DOT && data.at(1) === CR && data.at(2) === LF) {
    this._endDataMode(false, data.rest(3), done);
    return;
  }
  let start = 0;
  if (this._atDataStart && len >= 2 && data.at(0) === DOT && data.at(1) === DOT) {
    start = 1;
    this._atDataStart = false;
  }
  // Passes content on (and counts it); false once the stream wants the writer to wait.
  const pass = (pieces: readonly Buffer[]): boolean => {
    let flowing = true;
    for (const piece of pieces) {
      this._countDataBytes(piece.length);
      if (dataStream.writable) flowing = dataStream.write(piece);
    }
    return flowing;
  };
  // The next dot to judge is at `dot` or later: 2 past the start of what is not passed on yet.
  let dot = start + 2;
  while (dot < len - 2) {
    // Dots whose left context reaches into the carry are found byte by byte (at most 2 of them);
    // the rest with indexOf in the chunk.
    let i = dot;
    if (dot - 2 >= data.carry.length) {
      const newline = chunk.indexOf(NEWLINE_DOT, dot - 1 - data.carry.length);
      if (newline === -1) break;
      i = newline + 1 + data.carry.length;
      if (i >= len - 2) break;
    } else if (data.at(i - 1) !== LF || data.at(i) !== DOT) {
      dot = i + 1;
      continue;
    }
    if (data.at(i - 2) === CR && data.at(i + 1) === CR && data.at(i + 2) === LF) {
      // "\r\n.\r\n": the content ends with that first CRLF.
      const pieces = data.pieces(start, i);
      const last = pieces.pop() ?? false;
      pass(pieces);
      if (last) this._countDataBytes(last.length);
      this._endDataMode(last, data.rest(i + 3), done);
      return;
    }
    if (data.at(i + 1) === DOT) {
      // "\n..": the first dot escapes the second and is dropped (RFC 5321 §4.5.2).
      pass(data.pieces(start, i));
      start = i + 1;
      dot = start + 2;
      continue;
    }
    dot = i + 1;
  }
  // Hold back the last 4 bytes (a terminator may begin there); pass on what comes before them.
  const keep = Math.max(start, len - 4);
  this._lastBytes = data.rest(keep);
  if (keep === start) return done();
  if (pass(data.pieces(start, keep)) || dataStream.destroyed || !dataStream.writable) return done();
  // A stream the application destroys never drains, it only closes.
  const resume = (): void => {
    dataStream.removeListener('drain', resume);
    dataStream.removeListener('close', resume);
    done();
  };
  dataStream.once('drain', resume);
  dataStream.once('close', resume);
}

const EMPTY = Buffer.alloc(0);

type Decoder = SMTPStream['_feedDataStream'];
/** Where smtp-server's own decoder is kept once replaced (the class is shared by every import). */
const ORIGINAL = Symbol.for('catchall.smtp-server.feedDataStream');
const prototype = SMTPStream.prototype as SMTPStream & { [ORIGINAL]?: Decoder };

/** smtp-server's own decoder, for the tests that compare the two. */
export const smtpServerDecoder: Decoder = prototype[ORIGINAL] ?? prototype._feedDataStream;

/**
 * Replaces smtp-server's DATA decoder with feedDataStream (above), for every SMTP server. It
 * relies on SMTPStream's internals as of the locked 3.21.6 (typed in its .d.ts); after an upgrade
 * the comparison test shows whether they still hold.
 */
export function installDataDecoder(): void {
  prototype[ORIGINAL] ??= prototype._feedDataStream;
  prototype._feedDataStream = feedDataStream;
}
