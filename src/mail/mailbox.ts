import type { MailReads } from '../store/mail-reads.ts';
import type { MailboxStats, SessionRecord } from '../store/store-types.ts';
import type { StoreWriter } from '../store/store-writer.ts';
import type { MessageBody, MessageSummary } from './mail-types.ts';

export interface MessageView {
  readonly summary: MessageSummary;
  readonly body: MessageBody;
}

/**
 * Read side of the mailbox for the HTTP layer: listing, lookup (including `latest`), the raw
 * source, the parsed view (which marks the message read, as in Mailpit) and SMTP sessions.
 */
export class Mailbox {
  readonly #store: MailReads;
  readonly #writer: StoreWriter;
  readonly #parseBody: (raw: Buffer) => Promise<MessageBody>;

  constructor(store: MailReads, writer: StoreWriter, parseBody: (raw: Buffer) => Promise<MessageBody>) {
    this.#store = store;
    this.#writer = writer;
    this.#parseBody = parseBody;
  }

  stats(): MailboxStats {
    return this.#store.stats();
  }

  list(start: number, limit: number): MessageSummary[] {
    return this.#store.list(start, limit);
  }

  /** A message by ID, or the newest for "latest". */
  summary(id: string): MessageSummary | null {
    return id === 'latest' ? this.#store.latest() : this.#store.get(id);
  }

  raw(id: string): { summary: MessageSummary; raw: Buffer } | null {
    const summary = this.summary(id);
    const raw = summary ? this.#store.raw(summary.id) : null;
    return summary && raw ? { summary, raw } : null;
  }

  async view(id: string): Promise<MessageView | null> {
    const found = this.raw(id);
    if (!found) return null;
    const body = await this.#parseBody(found.raw);
    await this.#writer.markRead(found.summary.id);
    return { summary: { ...found.summary, read: true }, body };
  }

  session(id: string): SessionRecord | null {
    return this.#store.session(id);
  }
}
