/** Domain types of captured mail, shared by store, parse, ingest and the HTTP layer. */

/** An address as Mailpit's API shows it: `{"Name": "...", "Address": "..."}` (see inbox/). */
export interface MailAddress {
  readonly name: string;
  readonly address: string;
}

/** What the SMTP transaction told us, independent of the message content. */
export interface Envelope {
  /** MAIL FROM; "" for the null sender `<>`. */
  readonly mailFrom: string;
  /** Every RCPT TO, in order, Bcc-only recipients included. */
  readonly rcptTo: readonly string[];
  readonly helo: string;
  readonly clientAddress: string;
  readonly authUser: string | null;
  readonly tlsProtocol: string | null;
  readonly tlsCipher: string | null;
  readonly smtpUtf8: boolean;
}

/** Summary fields derived from the content by the parser (Mailpit's MessageSummary, less envelope). */
export interface ParsedSummary {
  readonly messageId: string;
  readonly subject: string;
  readonly from: MailAddress | null;
  readonly to: readonly MailAddress[];
  readonly cc: readonly MailAddress[];
  /** Bcc header only; ingest adds envelope recipients missing from the headers. */
  readonly bcc: readonly MailAddress[];
  readonly replyTo: readonly MailAddress[];
  readonly returnPath: string;
  /** Date header in ms since the epoch, null when absent or unparseable. */
  readonly date: number | null;
  readonly attachments: number;
  readonly inline: number;
  /** Up to 200 characters of body text, whitespace collapsed, then "..." (as Mailpit). */
  readonly snippet: string;
  /** The best one-time code found at ingest, if any (parse/extract.ts). */
  readonly code: FoundCode | null;
  /** The best verify, reset or login link found at ingest, if any. */
  readonly link: FoundLink | null;
}

/** A one-time code in a mail: what a person types, and how and where the mail shows it. */
export interface FoundCode {
  readonly value: string;
  readonly display: string;
  readonly source: 'subject' | 'text' | 'html';
  readonly context: string;
}

/** A link in a mail and what clicking it does. */
export interface FoundLink {
  readonly url: string;
  readonly text: string;
  readonly kind: 'verify' | 'reset' | 'login' | 'unsubscribe' | 'other';
  readonly source: 'html' | 'text' | 'header';
}

/** The parser's verdict: a summary, or the reason it could not produce one (the raw is kept anyway). */
export type ParseOutcome =
  { readonly ok: true; readonly summary: ParsedSummary } | { readonly ok: false; readonly error: string };

/** A message as stored and listed. */
export interface MessageSummary extends ParsedSummary {
  readonly id: string;
  readonly createdAt: number;
  readonly size: number;
  readonly read: boolean;
  readonly tags: readonly string[];
  readonly envelope: Envelope;
  readonly sessionId: string | null;
  /** Set when the MIME could not be parsed; the summary then holds what the envelope gives. */
  readonly parseError: string | null;
}

/** One line of an SMTP session transcript. */
export interface TranscriptLine {
  /** ms since the epoch */
  readonly at: number;
  /** C: client, S: server, *: an event (TLS upgrade, AUTH result, connection closed). */
  readonly dir: 'C' | 'S' | '*';
  readonly text: string;
}

export interface SmtpSessionInfo {
  readonly id: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly listener: 'smtp' | 'smtps';
  readonly clientAddress: string;
  readonly clientPort: number;
  readonly helo: string;
  readonly authUser: string | null;
  readonly authMethod: string | null;
  readonly tlsProtocol: string | null;
  readonly tlsCipher: string | null;
  readonly messageIds: readonly string[];
  readonly transcriptTruncated: boolean;
}

/** An attachment or inline part of a message, as the message view lists it. */
export interface MessagePart {
  readonly partId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly contentId: string;
  readonly size: number;
  readonly checksums: { readonly md5: string; readonly sha1: string; readonly sha256: string };
}

/** The body of a message, parsed on demand for the message view. */
export interface MessageBody {
  readonly text: string;
  readonly html: string;
  readonly attachments: readonly MessagePart[];
  readonly inline: readonly MessagePart[];
  readonly listUnsubscribe: {
    readonly header: string;
    readonly links: readonly string[];
    readonly headerPost: string;
  };
}
