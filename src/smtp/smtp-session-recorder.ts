import type { SmtpSessionInfo, TranscriptLine } from '../mail/mail-types.ts';
import type { SessionWrite } from '../store/store-types.ts';

/** Longest transcript line kept; SMTP command lines may be up to 16 KB (smtp-server's limit). */
const MAX_LINE_CHARS = 1000;
/**
 * Transcript text kept per session: 1 MiB holds about 2,000 delivered messages of a pipelined
 * session (≈ 500 bytes of commands and replies each); after that only the count grows.
 */
const MAX_TRANSCRIPT_CHARS = 1024 * 1024;

type Info = Omit<SmtpSessionInfo, 'messageIds'>;

/**
 * Transcript lines are written with a delivered message only once this many have gathered (about
 * 25 messages of a pipelined session) or a second has passed since the last write; reads merge
 * the rest in from here (unwritten()). Written with every message, ten interleaved sessions
 * dirtied about 7 more database pages per group commit of 4 messages, 20 µs more writer time
 * per 2 KB message (scratch benchmark of store/mail-writes.ts, 21 against 14 pages).
 */
const LINES_PER_WRITE = 200;
const WRITE_AFTER_MS = 1000;

/**
 * One SMTP connection's state and transcript while it is open. Lines wait here until a write
 * (a delivered message once enough are due, or the close), so the transcript is stored in chunks.
 */
export class SessionRecorder {
  #info: Info;
  #pending: TranscriptLine[] = [];
  #chars = 0;
  #writtenAt: number;

  constructor(info: Pick<Info, 'id' | 'startedAt' | 'listener' | 'clientAddress' | 'clientPort'>) {
    // The defaults before the spread: V8 adds properties to a spread copy on a slow path
    // (mail-ingest.ts), and a connection that delivers one message pays this once per message.
    this.#info = {
      endedAt: null,
      helo: '',
      authUser: null,
      authMethod: null,
      tlsProtocol: null,
      tlsCipher: null,
      transcriptTruncated: false,
      ...info,
    };
    this.#writtenAt = info.startedAt;
  }

  get id(): string {
    return this.#info.id;
  }

  update(
    change: Partial<Pick<Info, 'helo' | 'authUser' | 'authMethod' | 'tlsProtocol' | 'tlsCipher' | 'endedAt'>>,
  ): void {
    this.#info = { ...this.#info, ...change };
  }

  /** Adds a line; returns it, or null once the transcript has reached its cap. */
  add(at: number, dir: TranscriptLine['dir'], text: string): TranscriptLine | null {
    if (this.#info.transcriptTruncated) return null;
    const clipped =
      text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (${text.length} chars)` : text;
    this.#chars += clipped.length;
    if (this.#chars > MAX_TRANSCRIPT_CHARS) {
      this.#info = { ...this.#info, transcriptTruncated: true };
      const note: TranscriptLine = { at, dir: '*', text: 'transcript truncated: it reached 1 MiB' };
      this.#pending.push(note);
      return note;
    }
    const line: TranscriptLine = { at, dir, text: clipped };
    this.#pending.push(line);
    return line;
  }

  /** The session's state plus the lines added since the last take() (at the session's close). */
  take(now: number): SessionWrite {
    const newLines = this.#pending;
    this.#pending = [];
    this.#writtenAt = now;
    return { info: this.#info, newLines };
  }

  /** What a delivered message writes: the session's state, and its lines once enough are due. */
  takeForMessage(now: number): SessionWrite {
    if (this.#pending.length >= LINES_PER_WRITE || now - this.#writtenAt >= WRITE_AFTER_MS)
      return this.take(now);
    return { info: this.#info, newLines: [] };
  }

  /** Lines not taken yet, for a read of the open session's transcript. */
  unwritten(): readonly TranscriptLine[] {
    return this.#pending;
  }
}
