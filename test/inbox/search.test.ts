import nodemailer from 'nodemailer';
import type { Mail } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearch, splitArgs } from '../../src/inbox/search-query.ts';
import { startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

/**
 * Mailpit's search grammar (axllent/mailpit internal/storage/search.go) over a mailbox of
 * distinct messages, each stored at a known time through an injected clock, so date searches
 * have exact answers.
 *
 * Free text in catchall is matched by an FTS5 index (unicode61 tokens): a word matches whole
 * words and word prefixes, so `veri` finds "verify", but `erify` finds nothing. Mailpit's
 * `LIKE '%erify%'` also matches inside words; that is the one deliberate difference. Chinese and
 * Japanese text is split into characters, so a word inside a sentence without spaces is found
 * (Mailpit skips any word without an ASCII letter or digit, so it cannot search for 验证码 at all).
 */

type Key = 'welcome' | 'invoice' | 'newsletter' | 'chinese' | 'japanese' | 'french' | 'late' | 'api';

const ALL: readonly Key[] = [
  'welcome',
  'invoice',
  'newsletter',
  'chinese',
  'japanese',
  'french',
  'late',
  'api',
];
const except = (...keys: Key[]): Key[] => ALL.filter((k) => !keys.includes(k));

/** A 1×1 PNG, for the inline image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Each message, the time it is stored at, and how it is sent. */
const SMTP_MAIL: readonly { key: Key; at: string; mail: Mail.Options }[] = [
  {
    key: 'welcome',
    at: '2026-01-10T12:00:00Z',
    mail: {
      from: '"Ann Admin" <ann@shop.example>',
      to: 'Bob Builder <bob+signup@example.test>',
      cc: 'carol@example.test',
      bcc: 'dave@hidden.example',
      replyTo: 'help@support.example',
      subject: 'Please verify your account',
      text: 'Hello Bob, click to verify your email address. Café crème on us.',
      messageId: '<welcome-1@shop.example>',
    },
  },
  {
    key: 'invoice',
    at: '2026-01-20T12:00:00Z',
    mail: {
      from: 'billing@store.example',
      to: 'erin@example.test',
      subject: 'Invoice 2026-001 ready',
      text: 'Your invoice is attached.',
      messageId: '<inv-2026-001@store.example>',
      headers: { 'X-Tags': 'Billing, Urgent' },
      attachments: [{ filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 invoice 2026-001') }],
    },
  },
  {
    key: 'newsletter',
    at: '2026-02-01T12:00:00Z',
    mail: {
      from: 'news@letters.example',
      to: 'frank@example.test',
      subject: 'Monthly newsletter',
      // Over 20 KB, for larger:/smaller:.
      html: `<p><img src="cid:logo@letters.example"> Lorem ipsum</p>${'<p>dolor sit amet filler</p>\n'.repeat(800)}`,
      attachments: [{ filename: 'logo.png', content: PNG, cid: 'logo@letters.example' }],
    },
  },
  {
    key: 'chinese',
    at: '2026-02-05T08:00:00Z',
    mail: {
      from: 'noreply@cn.example',
      to: 'li@example.test',
      subject: '账户通知',
      text: '您的验证码是482913，请勿泄露。',
    },
  },
  {
    key: 'japanese',
    at: '2026-02-06T08:00:00Z',
    mail: {
      from: 'noreply@jp.example',
      to: 'sato@example.test',
      subject: 'お知らせ',
      text: 'あなたの認証コードは551234です。',
    },
  },
  {
    key: 'french',
    at: '2026-02-10T09:00:00Z',
    mail: {
      from: 'rh@emploi.example',
      to: 'zoe@example.test',
      subject: 'Résumé reçu',
      text: 'Nous avons bien reçu votre candidature.',
    },
  },
  {
    // 00:30 on 2 March in Berlin (UTC+1): the `tz` parameter decides which day it is.
    key: 'late',
    at: '2026-03-01T23:30:00Z',
    mail: {
      from: 'night@owl.example',
      to: 'owl@example.test',
      subject: 'Midnight report',
      text: 'Sent just before midnight UTC.',
    },
  },
];

describe('search grammar over a mailbox (GET /api/v1/search)', () => {
  let app: TestApp;
  let clock = 0;
  const idOf = new Map<Key, string>();
  const keyOf = new Map<string, Key>();

  beforeAll(async () => {
    app = await startTestApp([], { now: () => clock });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    for (const { key, at, mail } of SMTP_MAIL) {
      clock = Date.parse(at);
      const info = await transport.sendMail(mail);
      idOf.set(key, /queued as (\w+)/.exec(info.response)?.[1] ?? '');
    }
    transport.close();
    clock = Date.parse('2026-03-05T10:00:00Z');
    const sent = await app.http('api/v1/send', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        From: { Email: 'ops@api.example' },
        To: [{ Email: 'gina@example.test', Name: 'Gina' }],
        Subject: 'Sent through the API',
        Text: 'deployment finished',
        Tags: ['Api'],
      }),
    });
    expect(sent.status).toBe(200);
    idOf.set('api', ((await sent.json()) as { ID: string }).ID);
    for (const [key, id] of idOf) keyOf.set(id, key);
    const read = await app.http('api/v1/messages', {
      method: 'PUT',
      body: JSON.stringify({ IDs: [idOf.get('invoice')], Read: true }),
    });
    expect(read.status).toBe(200);
  });
  afterAll(() => app.stop());

  const search = async (query: string, extra = ''): Promise<MessagesList> =>
    app.json<MessagesList>(`api/v1/search?query=${encodeURIComponent(query)}&limit=0${extra}`);
  const found = async (query: string, extra = ''): Promise<Key[]> => {
    const list = await search(query, extra);
    expect(list.messages_count, query).toBe(list.messages.length);
    return list.messages.map((m) => keyOf.get(m.ID) ?? (m.ID as Key)).sort();
  };

  it('stored every message with what the table below relies on', async () => {
    const list = await app.json<MessagesList>('api/v1/messages?limit=0');
    expect(list.total).toBe(ALL.length);
    const byKey = new Map(list.messages.map((m) => [keyOf.get(m.ID), m]));
    expect(byKey.get('welcome')?.Tags).toEqual(['signup']);
    expect(byKey.get('invoice')?.Tags).toEqual(['Billing', 'Urgent']);
    expect(byKey.get('api')?.Tags).toEqual(['Api']);
    expect(byKey.get('welcome')?.Bcc).toEqual([{ Name: '', Address: 'dave@hidden.example' }]);
    expect(byKey.get('newsletter')?.Size).toBeGreaterThan(20 * 1024);
    for (const key of except('newsletter')) expect(byKey.get(key)?.Size, key).toBeLessThan(10 * 1024);
    expect(byKey.get('late')?.Created).toBe('2026-03-01T23:30:00.000Z');
  });

  const table: [query: string, expected: readonly Key[]][] = [
    // Address prefixes: each looks in its own field only.
    ['to:bob', ['welcome']],
    ['to:bob+signup@example.test', ['welcome']],
    ['to:example.test', ALL],
    ['to:carol', []],
    ['from:ann', ['welcome']],
    ['from:"Ann Admin"', ['welcome']],
    ['from:ann@shop.example', ['welcome']],
    ['from:billing', ['invoice']],
    ['cc:carol', ['welcome']],
    ['cc:bob', []],
    ['bcc:dave@hidden.example', ['welcome']],
    ['bcc:carol', []],
    ['reply-to:support.example', ['welcome']],
    ['reply-to:ann', []],
    ['addressed:help@support.example', ['welcome']],
    ['addressed:dave', ['welcome']],
    ['addressed:billing', ['invoice']],
    ['addressed:erin', ['invoice']],
    // Subject and Message-ID.
    ['subject:invoice', ['invoice']],
    ['subject:"verify your"', ['welcome']],
    ['subject:"your verify"', []],
    ['subject:"Invoice 2026-001 ready"', ['invoice']],
    ['subject:attached', []],
    ['message-id:welcome-1@shop.example', ['welcome']],
    ['message-id:inv-2026', ['invoice']],
    ['message-id:<welcome-1@shop.example>', ['welcome']],
    // Tags: plus-addresses, X-Tags and the send API's Tags; names match case-insensitively.
    ['tag:signup', ['welcome']],
    ['tag:Billing', ['invoice']],
    ['tag:urgent', ['invoice']],
    ['tag:Api', ['api']],
    ['tag:nosuch', []],
    ['-tag:billing', except('invoice')],
    // Flags.
    ['is:read', ['invoice']],
    ['is:unread', except('invoice')],
    ['-is:read', except('invoice')],
    ['!is:unread', ['invoice']],
    ['is:tagged', ['api', 'invoice', 'welcome']],
    ['-is:tagged', except('api', 'invoice', 'welcome')],
    ['has:attachment', ['invoice']],
    ['has:attachments', ['invoice']],
    ['-has:attachment', except('invoice')],
    ['has:inline', ['newsletter']],
    ['!has:inline', except('newsletter')],
    // Dates compare the time received; a date alone is midnight UTC without `tz`.
    ['before:2026-01-15', ['welcome']],
    ['before:2026-01-10T12:00:00Z', ['welcome']],
    ['before:2026-01-10T11:59:59Z', []],
    ['after:2026-03-01', ['api', 'late']],
    ['after:2026-01-15 before:2026-02-02', ['invoice', 'newsletter']],
    ['-before:2026-02-07', ['api', 'french', 'late']],
    ['-after:2026-01-15', ['welcome']],
    ['before:"2026-02-05 08:00"', ['chinese', 'invoice', 'newsletter', 'welcome']],
    ['before:2026-03-02', except('api')],
    ['after:2026-03-02', ['api']],
    // Sizes, in Mailpit's units.
    ['larger:10kb', ['newsletter']],
    ['larger:10KB smaller:1mb', ['newsletter']],
    ['smaller:10kb', except('newsletter')],
    ['-larger:10kb', except('newsletter')],
    ['-smaller:10240', ['newsletter']],
    ['larger:1gb', []],
    // Free text over subject, addresses and body.
    ['verify', ['welcome']],
    ['candidature', ['french']],
    ['deployment', ['api']],
    ['midnight', ['late']],
    ['newsletter', ['newsletter']],
    ['gina', ['api']],
    ['owl', ['late']],
    ['shop.example', ['welcome']],
    ['invoice.pdf', ['invoice']],
    ['"click to verify"', ['welcome']],
    ['"verify to click"', []],
    ['"Invoice 2026-001"', ['invoice']],
    ['"ready 2026-001"', []],
    ['nothing-like-this', []],
    // Case-insensitive, prefixes included.
    ['VERIFY', ['welcome']],
    ['Subject:INVOICE', ['invoice']],
    ['FROM:ANN', ['welcome']],
    ['TAG:BILLING', ['invoice']],
    ['IS:READ', ['invoice']],
    ['Has:Attachment', ['invoice']],
    // Accents are folded both ways.
    ['resume', ['french']],
    ['RÉSUMÉ', ['french']],
    ['recu', ['french']],
    ['cafe', ['welcome']],
    ['crème', ['welcome']],
    ['subject:resume', ['french']],
    // Whole words and word prefixes (the last word of a phrase is a prefix).
    ['veri', ['welcome']],
    ['cand', ['french']],
    ['erify', []],
    ['"click to ver"', ['welcome']],
    ['"cli to verify"', []],
    // Chinese and Japanese words inside sentences without spaces.
    ['验证码', ['chinese']],
    ['验证', ['chinese']],
    ['请勿泄露', ['chinese']],
    ['账户通知', ['chinese']],
    ['482913', ['chinese']],
    ['密码', []],
    ['認証コード', ['japanese']],
    ['コード', ['japanese']],
    ['subject:お知らせ', ['japanese']],
    ['551234', ['japanese']],
    // Negation with - and !, of prefixes, quoted phrases and free text.
    ['-from:ann', except('welcome')],
    ['!subject:invoice', except('invoice')],
    ['-subject:"monthly newsletter"', except('newsletter')],
    ['!"click to verify"', except('welcome')],
    ['-verify', except('welcome')],
    ['-to:example.test', []],
    // Every term must hold.
    ['from:billing has:attachment is:read', ['invoice']],
    ['from:billing -has:attachment', []],
    ['to:example.test -is:tagged has:inline', ['newsletter']],
    ['verify -from:ann', []],
    ['subject:verify tag:signup', ['welcome']],
    ['verify candidature', []],
    ['noreply 验证码', ['chinese']],
    ['is:unread after:2026-02-01 -has:inline larger:100b', ['api', 'chinese', 'french', 'japanese', 'late']],
  ];

  it.each(table)('%s', async (query, expected) => {
    expect(await found(query)).toEqual([...expected].sort());
  });

  it('reads a date without a zone in the `tz` parameter’s zone', async () => {
    const berlin = '&tz=Europe/Berlin';
    expect(await found('before:2026-03-02', berlin)).toEqual(except('api', 'late').sort());
    expect(await found('after:2026-03-02', berlin)).toEqual(['api', 'late']);
    expect(await found('after:2026-03-02', '&tz=UTC')).toEqual(['api']);
    // A zone in the value wins over the parameter.
    expect(await found('after:2026-03-02T00:00:00Z', berlin)).toEqual(['api']);
    // New York is 5 hours behind: midnight there is 05:00 UTC.
    expect(await found('before:2026-01-10', '&tz=America/New_York')).toEqual([]);
    expect(await found('before:2026-01-11', '&tz=America/New_York')).toEqual(['welcome']);
  });

  it('rejects a date or size it cannot read with 400 invalid_search', async () => {
    for (const query of [
      'before:yesterday',
      'after:"not a date"',
      'larger:huge',
      'smaller:10tb',
      'larger:0',
      'subject:ok before:soon',
    ]) {
      const res = await app.http(`api/v1/search?query=${encodeURIComponent(query)}`);
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ Code: 'invalid_search', Error: expect.any(String) });
    }
  });

  it('rejects an impossible calendar date (2026-13-45, 2026-02-30) with 400', async () => {
    for (const query of ['after:2026-13-45', 'before:2026-02-30']) {
      const res = await app.http(`api/v1/search?query=${encodeURIComponent(query)}`);
      expect(res.status, query).toBe(400);
    }
  });

  it('rejects an unknown time zone with 400', async () => {
    const res = await app.http(
      `api/v1/search?query=${encodeURIComponent('before:2026-03-02')}&tz=Mars/Olympus`,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      Code: 'invalid_parameter',
      Error: expect.stringContaining('tz'),
    });
  });

  it('requires a query', async () => {
    for (const path of ['api/v1/search', 'api/v1/search?query=', 'api/v1/search?query=%20%20']) {
      const res = await app.http(path);
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toMatchObject({ Code: 'invalid_parameter' });
    }
  });

  it('counts the whole mailbox in total/unread and the matches in messages_count/messages_unread', async () => {
    const list = await search('is:tagged');
    expect(list).toMatchObject({
      total: 8,
      unread: 7,
      count: 3,
      messages_count: 3,
      messages_unread: 2,
      start: 0,
      tags: ['Api', 'Billing', 'signup', 'Urgent'],
    });
    const none = await search('tag:nosuch');
    expect(none).toMatchObject({ total: 8, unread: 7, count: 0, messages_count: 0, messages_unread: 0 });
    expect(none.messages).toEqual([]);
  });

  it('lists matches newest first and pages them with start and limit', async () => {
    const all = await search('to:example.test');
    expect(all.messages.map((m) => keyOf.get(m.ID))).toEqual([
      'api',
      'late',
      'french',
      'japanese',
      'chinese',
      'newsletter',
      'invoice',
      'welcome',
    ]);
    const page = await app.json<MessagesList>(
      `api/v1/search?query=${encodeURIComponent('to:example.test')}&start=2&limit=3`,
    );
    expect(page).toMatchObject({ start: 2, count: 3, messages_count: 8, messages_unread: 7 });
    expect(page.messages.map((m) => keyOf.get(m.ID))).toEqual(['french', 'japanese', 'chinese']);
  });

  it('answers latest?query= with the newest match', async () => {
    const res = await app.http(
      `api/v1/message/latest/headers?query=${encodeURIComponent('to:example.test -tag:api')}`,
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as Record<string, string[]>)['Subject']).toEqual(['Midnight report']);
  });
});

describe('mutations by search', () => {
  let app: TestApp;
  let clock = 0;

  const send = async (at: string, from: string, subject: string): Promise<string> => {
    clock = Date.parse(at);
    const res = await app.http('api/v1/send', {
      method: 'POST',
      body: JSON.stringify({ From: { Email: from }, To: [{ Email: 'qa@example.test' }], Subject: subject }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { ID: string }).ID;
  };
  const subjects = async (query: string): Promise<string[]> => {
    const list = await app.json<MessagesList>(`api/v1/search?query=${encodeURIComponent(query)}&limit=0`);
    return list.messages.map((m) => m.Subject).sort();
  };
  const putRead = (body: unknown, params = '') =>
    app.http(`api/v1/messages${params}`, { method: 'PUT', body: JSON.stringify(body) });

  beforeAll(async () => {
    app = await startTestApp([], { now: () => clock });
    await send('2026-03-01T22:00:00Z', 'spam@junk.example', 'spam one');
    await send('2026-03-01T23:30:00Z', 'spam@junk.example', 'spam two');
    await send('2026-03-02T08:00:00Z', 'friend@mail.example', 'hello friend');
    await send('2026-03-03T08:00:00Z', 'boss@work.example', 'quarterly plan');
  });
  afterAll(() => app.stop());

  it('PUT /api/v1/messages with Search marks only the matches', async () => {
    expect(await (await putRead({ Search: 'from:spam', Read: true })).text()).toBe('ok');
    expect(await subjects('is:read')).toEqual(['spam one', 'spam two']);
    expect(await (await putRead({ search: 'subject:two', read: false })).text()).toBe('ok');
    expect(await subjects('is:read')).toEqual(['spam one']);
    expect((await putRead({ Search: '', Read: false })).status).toBe(200);
    expect(await subjects('is:read')).toEqual([]);
  });

  it('PUT /api/v1/messages reads dates in the Search with the tz parameter', async () => {
    expect((await putRead({ Search: 'before:2026-03-02', Read: true }, '?tz=Europe/Berlin')).status).toBe(
      200,
    );
    // 23:30 UTC on 1 March is 2 March in Berlin.
    expect(await subjects('is:read')).toEqual(['spam one']);
    expect((await putRead({ Search: 'before:2026-03-02', Read: true })).status).toBe(200);
    expect(await subjects('is:read')).toEqual(['spam one', 'spam two']);
    expect((await putRead({ Read: false })).status).toBe(200);
    expect(await subjects('is:read')).toEqual([]);
  });

  it('PUT /api/v1/messages rejects a bad search, and IDs with a search', async () => {
    const bad = await putRead({ Search: 'larger:lots', Read: true });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ Code: 'invalid_search' });
    const both = await putRead({ IDs: ['x'], Search: 'from:spam', Read: true });
    expect(both.status).toBe(400);
    expect(await subjects('is:read')).toEqual([]);
  });

  it('PUT /api/v1/messages rejects an unknown tz with 400', async () => {
    const res = await putRead({ Search: 'before:2026-03-02', Read: true }, '?tz=Mars/Olympus');
    expect(res.status).toBe(400);
  });

  it('DELETE /api/v1/search deletes only the matches', async () => {
    const res = await app.http(`api/v1/search?query=${encodeURIComponent('from:spam "spam two"')}`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(await subjects('qa')).toEqual(['hello friend', 'quarterly plan', 'spam one']);
    const dated = await app.http(`api/v1/search?query=${encodeURIComponent('before:2026-03-02')}&tz=UTC`, {
      method: 'DELETE',
    });
    expect(dated.status).toBe(200);
    expect(await subjects('qa')).toEqual(['hello friend', 'quarterly plan']);
  });

  it('DELETE /api/v1/search needs a valid query and deletes nothing otherwise', async () => {
    for (const path of [
      'api/v1/search',
      'api/v1/search?query=',
      `api/v1/search?query=${encodeURIComponent('before:someday')}`,
      `api/v1/search?query=${encodeURIComponent('before:2026-03-05')}&tz=Nowhere/Land`,
    ]) {
      const res = await app.http(path, { method: 'DELETE' });
      expect(res.status, path).toBe(400);
    }
    const none = await app.http(`api/v1/search?query=${encodeURIComponent('from:nobody')}`, {
      method: 'DELETE',
    });
    expect(none.status).toBe(200);
    expect((await app.json<MessagesList>('api/v1/messages')).total).toBe(2);
  });
});

describe('parseSearch', () => {
  const utc = (y: number, mo: number, d: number, h = 0) => Date.UTC(y, mo - 1, d, h);
  const text = (field: string, value: string, negate = false) => ({ kind: 'text', field, value, negate });

  const table: [input: string, tz: string | undefined, terms: unknown[]][] = [
    ['', undefined, []],
    ['   ', undefined, []],
    ['hello', undefined, [text('any', 'hello')]],
    ['hello world', undefined, [text('any', 'hello'), text('any', 'world')]],
    ['"hello world"', undefined, [text('any', 'hello world')]],
    ['to:ann@example.test', undefined, [text('to', 'ann@example.test')]],
    ['TO:Ann', undefined, [text('to', 'Ann')]],
    ['from:"Ann Admin"', undefined, [text('from', 'Ann Admin')]],
    [
      'cc:c bcc:d reply-to:r addressed:a',
      undefined,
      [text('cc', 'c'), text('bcc', 'd'), text('reply-to', 'r'), text('addressed', 'a')],
    ],
    ['subject:"Your code"', undefined, [text('subject', 'Your code')]],
    ['message-id:<abc@x.example>', undefined, [text('message-id', 'abc@x.example')]],
    ['-from:spam', undefined, [text('from', 'spam', true)]],
    ['!subject:"big sale"', undefined, [text('subject', 'big sale', true)]],
    ['-"two words"', undefined, [text('any', 'two words', true)]],
    ['to:', undefined, []],
    ['subject:""', undefined, []],
    ['tag:Signup', undefined, [{ kind: 'tag', value: 'Signup', negate: false }]],
    ['-tag:"two words"', undefined, [{ kind: 'tag', value: 'two words', negate: true }]],
    ['is:read', undefined, [{ kind: 'flag', flag: 'read', negate: false }]],
    ['IS:UNREAD', undefined, [{ kind: 'flag', flag: 'unread', negate: false }]],
    ['!is:tagged', undefined, [{ kind: 'flag', flag: 'tagged', negate: true }]],
    [
      'has:attachment has:attachments',
      undefined,
      [
        { kind: 'flag', flag: 'attachment', negate: false },
        { kind: 'flag', flag: 'attachment', negate: false },
      ],
    ],
    [
      '-has:inline has:inlines',
      undefined,
      [
        { kind: 'flag', flag: 'inline', negate: true },
        { kind: 'flag', flag: 'inline', negate: false },
      ],
    ],
    ['before:2026-01-02', undefined, [{ kind: 'date', op: 'before', ms: utc(2026, 1, 2), negate: false }]],
    [
      'before:2026-01-02',
      'Europe/Berlin',
      [{ kind: 'date', op: 'before', ms: utc(2026, 1, 1, 23), negate: false }],
    ],
    // Summer time: Berlin is UTC+2 in July, New York UTC-4.
    [
      'after:2026-07-01',
      'Europe/Berlin',
      [{ kind: 'date', op: 'after', ms: utc(2026, 6, 30, 22), negate: false }],
    ],
    [
      '-after:"2026-07-01 10:00"',
      'America/New_York',
      [{ kind: 'date', op: 'after', ms: utc(2026, 7, 1, 14), negate: true }],
    ],
    [
      'AFTER:2026-07-01T10:00:00Z',
      'Asia/Tokyo',
      [{ kind: 'date', op: 'after', ms: utc(2026, 7, 1, 10), negate: false }],
    ],
    ['larger:10', undefined, [{ kind: 'size', op: 'larger', bytes: 10, negate: false }]],
    ['larger:1.5kb', undefined, [{ kind: 'size', op: 'larger', bytes: 1536, negate: false }]],
    ['smaller:2M', undefined, [{ kind: 'size', op: 'smaller', bytes: 2 * 1024 * 1024, negate: false }]],
    ['-smaller:1gb', undefined, [{ kind: 'size', op: 'smaller', bytes: 1024 ** 3, negate: true }]],
    // Mailpit's cleanString: separators inside a value become spaces.
    ['hello,world', undefined, [text('any', 'hello world')]],
    ['subject:a;b(c)', undefined, [text('subject', 'a b c')]],
    ['foo:bar', undefined, [text('any', 'foo:bar')]],
    ['验证码', undefined, [text('any', '验证码')]],
    [
      'is:read 验证码 -tag:x',
      undefined,
      [
        { kind: 'flag', flag: 'read', negate: false },
        text('any', '验证码'),
        { kind: 'tag', value: 'x', negate: true },
      ],
    ],
  ];

  it.each(table)('parses %j (tz %s)', (input, tz, terms) => {
    expect(parseSearch(input, tz)).toEqual({ ok: true, query: terms });
  });

  it('rejects an impossible calendar date', () => {
    expect(parseSearch('before:2026-02-30').ok).toBe(false);
  });

  it.each([
    'before:yesterday',
    'after:2026-02-30x',
    'larger:big',
    'larger:0',
    'smaller:-5',
    'smaller:5tb',
    'to:ann larger:1 after:nope',
  ])('rejects %j with a message', (input) => {
    const parsed = parseSearch(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/date|size/);
  });
});

describe('splitArgs (Mailpit’s tools.ArgsParser)', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['one', ['one']],
    ['a b  c', ['a', 'b', 'c']],
    [' leading and trailing ', ['leading', 'and', 'trailing']],
    ['subject:"hello world" x', ['subject:hello world', 'x']],
    ['"a b" "c d"', ['a b', 'c d']],
    ['"unterminated quote', ['unterminated quote']],
    ['""', []],
    ['a"b c"d', ['ab cd']],
    ['-"not this"', ['-not this']],
    ['tab\tstays', ['tab\tstays']],
  ])('splits %j', (input, args) => {
    expect(splitArgs(input)).toEqual(args);
  });
});
