import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearch } from '../../src/inbox/search-query.ts';
import type { MailAddress, MessageSummary, ParsedSummary } from '../../src/mail/mail-types.ts';
import { matchesInMemory } from '../../src/mail/search-match.ts';
import { MailReads } from '../../src/store/mail-reads.ts';
import { MailWrites } from '../../src/store/mail-writes.ts';
import { openDatabase, openWriterConnection, type OpenedDatabase } from '../../src/store/store-open.ts';

const person = (name: string, address: string): MailAddress => ({ name, address });

/** Messages with the fields waiters search on; body text deliberately different from headers. */
const MAIL: {
  subject: string;
  from: MailAddress;
  to: MailAddress[];
  cc?: MailAddress[];
  tags?: string[];
  attachments?: number;
}[] = [
  {
    subject: 'Verify your email',
    from: person('Acme', 'no-reply@acme.example'),
    to: [person('Ann Lee', 'ann@example.test')],
  },
  {
    subject: 'Réinitialiser le mot de passe',
    from: person('Café Shop', 'shop@café.example'),
    to: [person('', 'bob+reset@example.test')],
    tags: ['reset'],
  },
  {
    subject: '您的验证码是 123456',
    from: person('', 'noreply@example.cn'),
    to: [person('张伟', 'zhang@example.cn')],
  },
  {
    subject: 'Invoice 2026-11',
    from: person('Billing', 'billing@acme.example'),
    to: [person('', 'ann@example.test')],
    cc: [person('Boss', 'boss@example.test')],
    attachments: 1,
  },
  {
    subject: 'annual report',
    from: person('', 'reports@example.test'),
    to: [person('Joann', 'joann@example.test')],
  },
];

const QUERIES = [
  'to:ann@example.test',
  'to:ann',
  'to:nn@example.test',
  'to:"Ann Lee"',
  'to:bob+reset',
  'from:acme',
  '-from:acme',
  'subject:verify',
  'subject:veri',
  'subject:erify',
  'subject:reinitialiser',
  'subject:验证码',
  'subject:"your email"',
  'subject:"email your"',
  'addressed:boss',
  'cc:boss -to:joann',
  'tag:RESET',
  '-tag:reset is:unread',
  'has:attachment',
  '-has:attachment to:example.test',
  'is:tagged',
  'larger:10',
  'smaller:10',
  'message-id:abc',
  'to:@',
];

describe('in-memory matching agrees with the SQL search', () => {
  let database: OpenedDatabase;
  let reads: MailReads;
  const stored: MessageSummary[] = [];

  beforeAll(() => {
    database = openDatabase(null);
    const writer = openWriterConnection(database.file, true);
    const writes = new MailWrites(writer, 0);
    MAIL.forEach((m, i) => {
      const id = `Message${String(i).padStart(15, '0')}`;
      const summary: ParsedSummary = {
        messageId: `m${i}@example.test`,
        subject: m.subject,
        from: m.from,
        to: m.to,
        cc: m.cc ?? [],
        bcc: [],
        replyTo: [],
        returnPath: '',
        date: null,
        attachments: m.attachments ?? 0,
        inline: 0,
        snippet: '',
        code: null,
        link: null,
      };
      const envelope = {
        mailFrom: m.from.address,
        rcptTo: m.to.map((a) => a.address),
        helo: '',
        clientAddress: '',
        authUser: null,
        tlsProtocol: null,
        tlsCipher: null,
        smtpUtf8: false,
      };
      const raw = Buffer.from(`Subject: ${m.subject}\r\n\r\nbody text with other words\r\n`);
      writes.writeBatch([
        { kind: 'message', message: { id, createdAt: 1_700_000_000_000 + i, raw, envelope, session: null } },
        {
          kind: 'index',
          index: {
            id,
            summary,
            parseError: null,
            searchText: 'body text with other words',
            tags: m.tags ?? [],
          },
        },
      ]);
    });
    // The writer thread does this before any search and at close.
    writes.flushSearch();
    writer.close();
    reads = new MailReads(database.db);
    stored.push(...reads.list(0, -1));
  });
  afterAll(() => database.close());

  it.each(QUERIES)('%s', (text) => {
    const parsed = parseSearch(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const bySql = new Set(reads.search(parsed.query, 0, -1).messages.map((m) => m.id));
    const inMemory = stored.filter((m) => matchesInMemory(parsed.query, m) === true).map((m) => m.id);
    for (const m of stored)
      expect(matchesInMemory(parsed.query, m), `${text} on ${m.subject}`).not.toBeUndefined();
    expect(new Set(inMemory)).toEqual(bySql);
  });

  it('leaves free text (which needs the body) to SQL', () => {
    const parsed = parseSearch('words');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(matchesInMemory(parsed.query, stored[0] as MessageSummary)).toBeUndefined();
  });
});
