import { afterEach, describe, expect, it } from 'vitest';
import type { ParsedSummary } from '../../src/mail/mail-types.ts';
import { parseSearch } from '../../src/inbox/search-query.ts';
import { EMPTY_SUMMARY } from '../../src/parse/parse-summary.ts';
import { MailReads } from '../../src/store/mail-reads.ts';
import { MailWrites } from '../../src/store/mail-writes.ts';
import { openDatabase, openWriterConnection, type OpenedDatabase } from '../../src/store/store-open.ts';
import type { Db } from '../../src/store/store-open.ts';
import type { WriteOp } from '../../src/store/store-types.ts';
import { searchFilter } from '../../src/store/search-sql.ts';

const ENVELOPE = {
  mailFrom: 'app@example.test',
  rcptTo: ['ann@example.test'],
  helo: '',
  clientAddress: '127.0.0.1',
  authUser: null,
  tlsProtocol: null,
  tlsCipher: null,
  smtpUtf8: false,
};

function summary(subject: string): ParsedSummary {
  return {
    ...EMPTY_SUMMARY,
    messageId: `${subject}@example.test`,
    subject,
    from: { name: '', address: 'app@example.test' },
    to: [{ name: '', address: 'ann@example.test' }],
  };
}

/** A message stored indexed in one write (the quick path), with `word` in its body. */
function indexedMessage(id: string, word: string): WriteOp {
  return {
    kind: 'message',
    message: {
      id,
      createdAt: 1_700_000_000_000,
      raw: Buffer.from(`Subject: ${id}\r\n\r\n${word}\r\n`),
      envelope: ENVELOPE,
      session: null,
      index: { id, summary: summary(id), parseError: null, searchText: word, tags: [] },
    },
  };
}

describe('search rows written behind the messages', () => {
  let database: OpenedDatabase;
  let writer: Db;

  const open = (maxMessages = 0) => {
    database = openDatabase(null);
    writer = openWriterConnection(database.file, true);
    return { writes: new MailWrites(writer, maxMessages), reads: new MailReads(database.db) };
  };
  const ids = (reads: MailReads, query: string) => {
    const parsed = parseSearch(query, undefined);
    if (!parsed.ok) throw new Error(parsed.error);
    return reads.search(parsed.query, 0, 100).messages.map((m) => m.id);
  };
  const pendingMarks = () =>
    (writer.prepare('SELECT count(*) AS n FROM search_pending').get() as { n: number }).n;

  afterEach(() => {
    writer.close();
    database.close();
  });

  it('lists a message at once and finds it by search once the rows are flushed', () => {
    const { writes, reads } = open();
    writes.writeBatch([indexedMessage('first', 'apricot'), indexedMessage('second', 'apricot')]);
    expect(reads.list(0, 10).map((m) => m.id)).toEqual(['second', 'first']);
    expect(writes.pendingSearchRows).toBe(2);
    expect(pendingMarks()).toBe(2);
    expect(ids(reads, 'apricot')).toEqual([]);
    writes.flushSearch();
    expect(ids(reads, 'apricot')).toEqual(['second', 'first']);
    expect(writes.pendingSearchRows).toBe(0);
    expect(pendingMarks()).toBe(0);
  });

  it('writes the rows with the batch that reaches 256 queued', () => {
    const { writes, reads } = open();
    for (let i = 0; i < 255; i++) writes.writeBatch([indexedMessage(`m${i}`, 'plum')]);
    expect(writes.pendingSearchRows).toBe(255);
    writes.writeBatch([indexedMessage('m255', 'plum')]);
    expect(writes.pendingSearchRows).toBe(0);
    expect(ids(reads, 'plum')).toHaveLength(100);
    expect(pendingMarks()).toBe(0);
  });

  it('writes no row for a message pruned or deleted before the flush', () => {
    const { writes, reads } = open(2);
    writes.writeBatch([indexedMessage('a', 'fig'), indexedMessage('b', 'fig')]);
    writes.writeBatch([indexedMessage('c', 'fig')]);
    writer.prepare("DELETE FROM messages WHERE id = 'c'").run();
    writes.flushSearch();
    expect(ids(reads, 'fig')).toEqual(['b']);
    const rows = (writer.prepare('SELECT count(*) AS n FROM message_search').get() as { n: number }).n;
    expect(rows).toBe(1);
  });

  it('drops the rows of a batch that rolled back, so a reused seq gets its own row', () => {
    const { writes, reads } = open();
    writes.writeBatch([indexedMessage('kept', 'kiwi')]);
    // The second op breaks the IDs' uniqueness: the whole batch rolls back, "lost" included.
    expect(() =>
      writes.writeBatch([indexedMessage('lost', 'mango'), indexedMessage('kept', 'kiwi')]),
    ).toThrow(/UNIQUE/);
    expect(writes.pendingSearchRows).toBe(1);
    // The next message takes the seq "lost" had; its row must be its own.
    writes.writeBatch([indexedMessage('next', 'lime')]);
    writes.flushSearch();
    expect(ids(reads, 'mango')).toEqual([]);
    expect(ids(reads, 'lime')).toEqual(['next']);
    expect(ids(reads, 'kiwi')).toEqual(['kept']);
  });

  it('counts text searches from the index exactly as a count over the message rows does', () => {
    const { writes, reads } = open();
    const words = ['apricot plum', 'apricot', 'plum', 'kiwi', 'apricot kiwi'];
    for (let i = 0; i < 40; i++)
      writes.writeBatch([indexedMessage(`m${i}`, words[i % words.length] as string)]);
    writes.flushSearch();
    writer.prepare('UPDATE messages SET read = 1 WHERE seq % 3 = 0').run();
    for (const text of [
      'apricot',
      'plum',
      '-apricot',
      'apricot -plum',
      'apricot plum',
      '-apricot -kiwi',
      'subject:m1',
      '-subject:m1 kiwi',
      'to:ann',
      'nothing-matches',
      '-nothing',
    ]) {
      const parsed = parseSearch(text, undefined);
      if (!parsed.ok) throw new Error(parsed.error);
      const { where, params } = searchFilter(parsed.query);
      const expected = writer
        .prepare(
          `SELECT count(*) AS total, coalesce(sum(m.read = 0), 0) AS unread FROM messages m
           WHERE m.indexed = 1 AND ${where}`,
        )
        .get(...params);
      const { total, unread } = reads.search(parsed.query, 0, 1);
      expect({ total, unread }, text).toEqual(expected);
    }
  });
});
