import type { Envelope, ParsedSummary, SmtpSessionInfo, TranscriptLine } from '../mail/mail-types.ts';

/** The state of an SMTP session to record, plus the transcript lines not yet written. */
export interface SessionWrite {
  readonly info: Omit<SmtpSessionInfo, 'messageIds'>;
  readonly newLines: readonly TranscriptLine[];
}

/** A received message as first committed: the bytes and the envelope (its "250" waits for this). */
export interface NewMessage {
  readonly id: string;
  readonly createdAt: number;
  /** A Buffer on the main thread; a plain Uint8Array once it has crossed to the writer thread. */
  readonly raw: Uint8Array;
  readonly envelope: Envelope;
  /** Null for messages that did not come over SMTP (POST /api/v1/send). */
  readonly session: SessionWrite | null;
  /**
   * What parsing found, when that was known before the commit (simple mail, parsed at once):
   * the message is then stored indexed and visible in one write, with no index op to follow.
   */
  readonly index?: MessageIndex;
}

/** What parsing found, written in a second step; only then is the message listed and searchable. */
export interface MessageIndex {
  readonly id: string;
  readonly summary: ParsedSummary;
  readonly parseError: string | null;
  /** Body text and attachment names for the search index. */
  readonly searchText: string;
  readonly tags: readonly string[];
}

/** The search row of a message stored indexed whose search row a crash kept from being written. */
export interface LateSearchRow {
  readonly id: string;
  readonly summary: ParsedSummary;
  readonly searchText: string;
}

export type WriteOp =
  | { readonly kind: 'message'; readonly message: NewMessage }
  | { readonly kind: 'index'; readonly index: MessageIndex }
  | { readonly kind: 'search'; readonly row: LateSearchRow }
  | { readonly kind: 'session'; readonly session: SessionWrite };

/** A committed message still to be indexed: just accepted, left by a crash, or from before migration 002. */
export interface UnindexedMessage {
  readonly id: string;
  readonly createdAt: number;
  readonly raw: Buffer;
  readonly envelope: Envelope;
  readonly sessionId: string | null;
}

export interface MailboxStats {
  readonly total: number;
  readonly unread: number;
  readonly sessions: number;
}

export interface SessionRecord extends SmtpSessionInfo {
  readonly transcript: readonly TranscriptLine[];
}

export type LineTuple = [at: number, dir: TranscriptLine['dir'], text: string];
