import type { Envelope, ParsedSummary, SmtpSessionInfo, TranscriptLine } from '../mail/mail-types.ts';

/** The state of an SMTP session to record, plus the transcript lines not yet written. */
export interface SessionWrite {
  readonly info: Omit<SmtpSessionInfo, 'messageIds'>;
  readonly newLines: readonly TranscriptLine[];
}

export interface NewMessage {
  readonly id: string;
  readonly createdAt: number;
  /** A Buffer on the main thread; a plain Uint8Array once it has crossed to the writer thread. */
  readonly raw: Uint8Array;
  readonly envelope: Envelope;
  readonly summary: ParsedSummary;
  readonly parseError: string | null;
  /** Null for messages that did not come over SMTP (POST /api/v1/send). */
  readonly session: SessionWrite | null;
  /** Body text and attachment names for the search index. */
  readonly searchText: string;
  readonly tags: readonly string[];
}

export type WriteOp =
  | { readonly kind: 'message'; readonly message: NewMessage }
  | { readonly kind: 'session'; readonly session: SessionWrite };

export interface MailboxStats {
  readonly total: number;
  readonly unread: number;
  readonly sessions: number;
}

export interface SessionRecord extends SmtpSessionInfo {
  readonly transcript: readonly TranscriptLine[];
}

export type LineTuple = [at: number, dir: TranscriptLine['dir'], text: string];
