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
 * One SMTP connection's state and transcript while it is open. Lines wait here until the next
 * write (a delivered message or the close), so the transcript is stored in chunks.
 */
export class SessionRecorder {
  #info: Info;
  #pending: TranscriptLine[] = [];
  #chars = 0;

  constructor(info: Pick<Info, 'id' | 'startedAt' | 'listener' | 'clientAddress' | 'clientPort'>) {
    this.#info = {
      ...info,
      endedAt: null,
      helo: '',
      authUser: null,
      authMethod: null,
      tlsProtocol: null,
      tlsCipher: null,
      transcriptTruncated: false,
    };
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

  /** The session's state plus the lines added since the last take(). */
  take(): SessionWrite {
    const newLines = this.#pending;
    this.#pending = [];
    return { info: this.#info, newLines };
  }
}
