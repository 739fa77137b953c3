import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPayload, SmtpConversation } from '../helpers/smtp-conversation.ts';
import { startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** Sends a raw .eml over SMTP and returns the ID from the 250 reply. */
async function sendRaw(port: number, raw: Buffer, rcpt = 'qa@example.test'): Promise<string> {
  const smtp = await SmtpConversation.connect(port);
  await smtp.read();
  await smtp.command('EHLO api.test');
  await smtp.command('MAIL FROM:<sender@example.test>');
  await smtp.command(`RCPT TO:<${rcpt}>`);
  await smtp.command('DATA');
  smtp.write(Buffer.from(dataPayload(raw.toString('latin1')), 'latin1'));
  const done = await smtp.read();
  smtp.end();
  if (done.code !== 250) throw new Error(`not accepted: ${done.code} ${done.text}`);
  return /queued as (\w+)/.exec(done.text)?.[1] ?? '';
}

describe('inbox API (Mailpit /api/v1 shapes)', () => {
  let app: TestApp;
  const ids: string[] = [];
  beforeAll(async () => {
    app = await startTestApp();
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    for (let i = 1; i <= 3; i++) {
      const info = await t.sendMail({
        from: 'Ann <ann@example.test>',
        to: 'bob@example.test',
        subject: `list ${i}`,
        text: `body ${i}`,
      });
      ids.push(/queued as (\w+)/.exec(info.response)?.[1] ?? '');
    }
    t.close();
    ids.push(await sendRaw(app.smtpPort, fixture('multipart-attachment-inline.eml')));
    ids.push(await sendRaw(app.smtpPort, fixture('html-only-newsletter.eml')));
  });
  afterAll(() => app.stop());

  it('lists messages newest first in Mailpit’s envelope', async () => {
    const res = await app.http('api/v1/messages');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const list = (await res.json()) as MessagesList;
    expect(Object.keys(list).sort()).toEqual(
      ['count', 'messages', 'messages_count', 'messages_unread', 'start', 'tags', 'total', 'unread'].sort(),
    );
    expect(list).toMatchObject({
      total: 5,
      unread: 5,
      count: 5,
      messages_count: 5,
      messages_unread: 5,
      start: 0,
      tags: [],
    });
    expect(list.messages.map((m) => m.ID)).toEqual([...ids].reverse());
    const summary = list.messages.find((m) => m.Subject === 'list 2');
    expect(Object.keys(summary ?? {}).sort()).toEqual(
      [
        'Attachments',
        'Bcc',
        'Cc',
        'Created',
        'From',
        'ID',
        'MessageID',
        'Read',
        'ReplyTo',
        'Size',
        'Snippet',
        'Subject',
        'Tags',
        'To',
        'Username',
      ].sort(),
    );
    expect(summary).toMatchObject({
      From: { Name: 'Ann', Address: 'ann@example.test' },
      To: [{ Name: '', Address: 'bob@example.test' }],
      Cc: [],
      Bcc: [],
      ReplyTo: [],
      Read: false,
      Snippet: 'body 2',
      Attachments: 0,
      Tags: [],
    });
    expect(new Date(summary?.Created ?? '').toISOString()).toBe(summary?.Created);
  });

  it('pages with start and limit; limit=0 means all, as in Mailpit', async () => {
    const page = await app.json<MessagesList>('api/v1/messages?start=1&limit=2');
    expect(page.start).toBe(1);
    expect(page.count).toBe(2);
    expect(page.total).toBe(5);
    expect(page.messages.map((m) => m.ID)).toEqual([ids[3], ids[2]]);
    expect((await app.json<MessagesList>('api/v1/messages?limit=0')).count).toBe(5);
  });

  it('answers a bad query parameter with 400 and a machine-readable code', async () => {
    const res = await app.http('api/v1/messages?limit=lots');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      Code: 'invalid_parameter',
      Error: expect.stringContaining('limit'),
    });
  });

  it('returns a full message with parts, and reading it marks it read', async () => {
    const before = await app.json<MessagesList>('api/v1/messages');
    const message = await app.json<Record<string, unknown>>(`api/v1/message/${ids[3]}`);
    expect(message).toMatchObject({
      ID: ids[3],
      MessageID: 'report-11@example.test',
      Subject: 'Monthly report',
      Date: '2026-11-01T12:00:00.000Z',
      ReturnPath: 'sender@example.test',
      Text: expect.stringContaining('Report attached. Chart below.'),
      HTML: expect.stringContaining('cid:chart@example.test'),
      Inline: [
        expect.objectContaining({
          FileName: 'chart.png',
          ContentType: 'image/png',
          ContentID: 'chart@example.test',
        }),
      ],
      Attachments: [
        expect.objectContaining({
          FileName: 'report.pdf',
          ContentType: 'application/pdf',
          Checksums: expect.objectContaining({ SHA256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
        }),
      ],
      Bcc: [{ Name: '', Address: 'qa@example.test' }],
      ParseError: '',
      Envelope: expect.objectContaining({
        From: 'sender@example.test',
        To: ['qa@example.test'],
        Helo: 'api.test',
      }),
    });
    const after = await app.json<MessagesList>('api/v1/messages');
    expect(after.unread).toBe(before.unread - 1);
    expect(after.messages.find((m) => m.ID === ids[3])?.Read).toBe(true);
  });

  it('shows inline images in the HTML view through the part endpoint, and sorts /headers by name', async () => {
    const html = await (await app.http(`view/${ids[3]}.html`)).text();
    const src = /<img src="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(src).toMatch(new RegExp(`^\\.\\./api/v1/message/${ids[3]}/part/`));
    const image = await app.http(`view/${src}`);
    expect(image.headers.get('content-type')).toBe('image/png');
    const headers = await app.json<Record<string, string[]>>(`api/v1/message/${ids[3]}/headers`);
    const names = Object.keys(headers);
    expect(names).toEqual([...names].sort());
    expect(headers['Message-Id']).toEqual(['<report-11@example.test>']);
  });

  it('resolves "latest" to the newest message', async () => {
    const latest = await app.json<{ ID: string; ListUnsubscribe: { Links: string[] } }>(
      'api/v1/message/latest',
    );
    expect(latest.ID).toBe(ids[4]);
    expect(latest.ListUnsubscribe.Links).toContain('mailto:unsub@acme.example');
  });

  it('serves the raw source byte for byte, and as a download with dl=1', async () => {
    const res = await app.http(`api/v1/message/${ids[3]}/raw`);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(await res.arrayBuffer()).equals(fixture('multipart-attachment-inline.eml'))).toBe(
      true,
    );
    const dl = await app.http(`api/v1/message/${ids[3]}/raw?dl=1`);
    expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="${ids[3]}.eml"`);
  });

  it('answers unknown messages, sessions and routes with 404 JSON', async () => {
    for (const path of [
      'api/v1/message/nope',
      'api/v1/message/nope/raw',
      'api/v1/session/nope',
      'api/v1/nothing',
    ]) {
      const res = await app.http(path);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toMatchObject({ Code: 'not_found' });
    }
  });

  it('reports Mailpit’s /api/v1/info fields', async () => {
    const info = await app.json<Record<string, unknown>>('api/v1/info');
    expect(info).toMatchObject({
      Version: expect.any(String),
      Database: app.databaseFile,
      Messages: 5,
      Unread: expect.any(Number),
      Tags: {},
      RuntimeStats: expect.objectContaining({
        SMTPAccepted: 5,
        SMTPRejected: 0,
        MessagesDeleted: 0,
        Uptime: expect.any(Number),
      }),
    });
    expect(info.DatabaseSize).toBeGreaterThan(0);
  });

  it('answers the health probes', async () => {
    for (const path of ['livez', 'readyz']) {
      const res = await app.http(path);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('ok');
    }
  });

  it('serves the web page at the root', async () => {
    const res = await app.http('');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>catchall</title>');
  });
});

describe('--webroot', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--webroot', 'mail']);
  });
  afterAll(() => app.stop());

  it('serves UI, API and probes under the prefix only', async () => {
    expect(app.httpUrl).toMatch(/\/mail\/$/);
    expect((await app.http('api/v1/messages')).status).toBe(200);
    expect((await app.http('livez')).status).toBe(200);
    const root = new URL('/api/v1/messages', app.httpUrl);
    expect((await fetch(root)).status).toBe(404);
  });

  it('serves the page at the printed URL and redirects the prefix without its slash', async () => {
    expect((await fetch(app.httpUrl)).status).toBe(200);
    const bare = await fetch(app.httpUrl.replace(/\/$/, ''), { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/mail/');
  });
});

describe('/readyz during shutdown', () => {
  it('answers 503 while SMTP drains, so a load balancer stops sending', async () => {
    const app = await startTestApp();
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    await smtp.command('EHLO drain.test');
    await smtp.command('MAIL FROM:<a@example.test>');
    await smtp.command('RCPT TO:<b@example.test>');
    expect((await smtp.command('DATA')).code).toBe(354);
    const stopped = app.stop();
    const res = await app.http('readyz');
    expect(res.status).toBe(503);
    expect((await app.http('livez')).status).toBe(200);
    smtp.write(dataPayload('Subject: drained\r\n\r\nlast one\r\n'));
    expect((await smtp.read()).code).toBe(250);
    await stopped;
  });
});
