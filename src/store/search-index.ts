import type { MailAddress, ParsedSummary } from '../mail/mail-types.ts';
import type { Statement } from 'better-sqlite3';
import type { Db } from './store-open.ts';
import { indexText } from './search-text.ts';

const addressText = (list: readonly (MailAddress | null)[]): string =>
  indexText(
    list
      .filter((a): a is MailAddress => a !== null)
      .map((a) => `${a.name} ${a.address}`)
      .join(' '),
  );

/** Writes a message's row of the FTS5 index (store/migrations/002-search-tags.sql). */
export class SearchIndex {
  readonly #insert: Statement<unknown[]>;

  constructor(db: Db) {
    this.#insert = db.prepare<unknown[]>(`INSERT INTO message_search
      (rowid, subject, from_a, to_a, cc_a, bcc_a, reply_to_a, message_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  add(seq: number, s: ParsedSummary, body: string): void {
    this.#insert.run(
      seq,
      indexText(s.subject),
      addressText([s.from]),
      addressText(s.to),
      addressText(s.cc),
      addressText(s.bcc),
      addressText(s.replyTo),
      indexText(s.messageId),
      indexText(body),
    );
  }
}
