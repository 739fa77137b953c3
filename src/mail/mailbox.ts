import type { MailReads } from '../store/mail-reads.ts';
import type { MailboxStats, SessionRecord } from '../store/store-types.ts';
import type {
  FoundCode,
  FoundLink,
  MessageBody,
  MessageSummary,
  SmtpSessionInfo,
  TranscriptLine,
} from './mail-types.ts';
import type { SearchQuery } from './search-types.ts';

export interface MessageView {
  readonly summary: MessageSummary;
  readonly body: MessageBody;
}

export interface MessagePage {
  readonly messages: MessageSummary[];
  /** Messages matching the query (all messages without one). */
  readonly matching: number;
  readonly matchingUnread: number;
}

/** The parsing the mailbox needs for views (parse/), injected so this service stays MIME-free. */
/** Codes and links of a message, best first. */
export interface MessageExtraction {
  readonly codes: readonly FoundCode[];
  readonly links: readonly FoundLink[];
}

export interface BodyParser {
  extract(input: {
    subject: string;
    text: string;
    html: string;
    listUnsubscribe: readonly string[];
  }): MessageExtraction;
  body(raw: Buffer): Promise<MessageBody>;
  part(
    raw: Buffer,
    partId: string,
  ): Promise<{ contentType: string; fileName: string; content: Buffer } | null>;
  headers(raw: Buffer): Record<string, string[]>;
}

/**
 * Read side of the mailbox for the HTTP layer: listing and search, lookup (including `latest`,
 * optionally the latest matching a search), raw source, headers, parts, the parsed view (which
 * marks the message read, as in Mailpit), tags and SMTP sessions.
 */
export class Mailbox {
  readonly #store: MailReads;
  readonly #parser: BodyParser;
  readonly #unwrittenTranscript: (sessionId: string) => readonly TranscriptLine[];

  /**
   * `unwrittenTranscript` gives an open SMTP session's latest transcript lines, which are written
   * to the database in chunks (smtp/smtp-session-recorder.ts).
   */
  constructor(
    store: MailReads,
    parser: BodyParser,
    unwrittenTranscript: (sessionId: string) => readonly TranscriptLine[] = () => [],
  ) {
    this.#store = store;
    this.#parser = parser;
    this.#unwrittenTranscript = unwrittenTranscript;
  }

  stats(): MailboxStats {
    return this.#store.stats();
  }

  /** Newest first; `limit` -1 means all. */
  page(query: SearchQuery | null, start: number, limit: number): MessagePage {
    if (query === null) {
      const stats = this.#store.stats();
      return {
        messages: this.#store.list(start, limit),
        matching: stats.total,
        matchingUnread: stats.unread,
      };
    }
    const found = this.#store.search(query, start, limit);
    return { messages: found.messages, matching: found.total, matchingUnread: found.unread };
  }

  /** A message by ID, or for "latest" the newest one (matching `query` when given). */
  summary(id: string, query: SearchQuery | null = null): MessageSummary | null {
    if (id !== 'latest') return this.#store.get(id);
    return query === null ? this.#store.latest() : this.#store.latestMatching(query);
  }

  /** Whether a stored message matches a search (used by waiters on each new message). */
  matches(id: string, query: SearchQuery): boolean {
    return this.#store.matches(id, query);
  }

  raw(id: string, query: SearchQuery | null = null): { summary: MessageSummary; raw: Buffer } | null {
    const summary = this.summary(id, query);
    const raw = summary ? this.#store.raw(summary.id) : null;
    return summary && raw ? { summary, raw } : null;
  }

  /** The parsed message. Marking it read is the caller's (MailboxChanges.opened), so it is announced. */
  async view(id: string, query: SearchQuery | null = null): Promise<MessageView | null> {
    const found = this.raw(id, query);
    if (!found) return null;
    return { summary: found.summary, body: await this.#parser.body(found.raw) };
  }

  /** Every code and link of a message, from a full parse (so nothing the summary skipped is missed). */
  async extraction(id: string): Promise<MessageExtraction | null> {
    const view = await this.view(id);
    if (!view) return null;
    const { text, html, listUnsubscribe } = view.body;
    return this.#parser.extract({
      subject: view.summary.subject,
      text,
      html,
      listUnsubscribe: listUnsubscribe.links,
    });
  }

  headers(id: string, query: SearchQuery | null = null): Record<string, string[]> | null {
    const found = this.raw(id, query);
    return found ? this.#parser.headers(found.raw) : null;
  }

  async part(id: string, partId: string, query: SearchQuery | null = null) {
    const found = this.raw(id, query);
    return found ? this.#parser.part(found.raw, partId) : null;
  }

  tags(): string[] {
    return this.#store.tags();
  }

  tagCounts(): Record<string, number> {
    return this.#store.tagCounts();
  }

  session(id: string): SessionRecord | null {
    const stored = this.#store.session(id);
    if (!stored) return null;
    const unwritten = this.#unwrittenTranscript(id);
    return unwritten.length === 0 ? stored : { ...stored, transcript: [...stored.transcript, ...unwritten] };
  }

  /** SMTP sessions, newest first. */
  sessions(start: number, limit: number): { sessions: SmtpSessionInfo[]; total: number } {
    return { sessions: this.#store.sessions(start, limit), total: this.#store.stats().sessions };
  }
}
