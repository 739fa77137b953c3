import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMail, dataPayload, rfc822, SmtpConversation } from '../helpers/smtp-conversation.ts';
import { eventually, startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

interface MessageJson {
  ID: string;
  Subject: string;
  From: { Name: string; Address: string };
  To: { Name: string; Address: string }[];
  Bcc: { Name: string; Address: string }[];
  Text: string;
  ParseError: string;
  SessionID: string;
  Envelope: { From: string; To: string[]; Helo: string; SMTPUTF8: boolean };
  Attachments: { FileName: string }[];
}

async function greet(port: number): Promise<SmtpConversation> {
  const smtp = await SmtpConversation.connect(port);
  expect((await smtp.read()).code).toBe(220);
  expect((await smtp.command('EHLO client.test')).code).toBe(250);
  return smtp;
}

const queuedId = (text: string): string => /queued as (\w+)/.exec(text)?.[1] ?? '';

describe('SMTP conversation', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--max-message-size', '1', '--smtp-max-recipients', '3']);
  });
  afterAll(() => app.stop());

  it('stores many messages pipelined on one connection, each with its own 250', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    expect((await smtp.read()).code).toBe(220);
    const count = 50;
    // EHLO and every transaction in one write, with bodies big enough to span TCP chunks:
    // the shape (same recipient each time) that stalled after two messages when a handler
    // answered RCPT synchronously.
    let batch = 'EHLO pipeline.test\r\n';
    const filler = 'filler line of text\n'.repeat(60);
    for (let i = 0; i < count; i++) {
      batch += `MAIL FROM:<pipe@example.test>\r\nRCPT TO:<ann@example.test>\r\nDATA\r\n`;
      batch += dataPayload(
        rfc822({ Subject: `pipelined ${i}`, From: 'pipe@example.test' }, `.leading dot ${i}\n${filler}`),
      );
    }
    smtp.write(batch);
    expect((await smtp.read()).code).toBe(250);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      expect((await smtp.read()).code).toBe(250);
      expect((await smtp.read()).code).toBe(250);
      expect((await smtp.read()).code).toBe(354);
      const done = await smtp.read();
      expect(done.code).toBe(250);
      ids.push(queuedId(done.text));
    }
    expect((await smtp.command('QUIT')).code).toBe(221);
    expect(new Set(ids).size).toBe(count);
    const last = await app.json<MessageJson>(`api/v1/message/${ids[count - 1]}`);
    expect(last.Subject).toBe(`pipelined ${count - 1}`);
    expect(last.Text.split('\n')[0]).toBe(`.leading dot ${count - 1}`);
    expect(last.Envelope.To).toEqual([`ann@example.test`]);
  });

  it('keeps SMTPUTF8 addresses and 8-bit bodies intact', async () => {
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<jörg@bücher.example> SMTPUTF8 BODY=8BITMIME')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<用户@例子.测试>')).code).toBe(250);
    expect((await smtp.command('DATA')).code).toBe(354);
    const body = rfc822(
      {
        From: 'Jörg <jörg@bücher.example>',
        To: '用户@例子.测试',
        Subject: 'Grüße — 验证码',
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Transfer-Encoding': '8bit',
      },
      'Ihr Code lautet 123456. 你好，世界。\n',
    );
    smtp.write(Buffer.from(dataPayload(body), 'utf8'));
    const done = await smtp.read();
    expect(done.code).toBe(250);
    smtp.end();
    const message = await app.json<MessageJson>(`api/v1/message/${queuedId(done.text)}`);
    expect(message.Subject).toBe('Grüße — 验证码');
    expect(message.From).toEqual({ Name: 'Jörg', Address: 'jörg@bücher.example' });
    expect(message.Text).toContain('你好，世界');
    expect(message.Envelope.SMTPUTF8).toBe(true);
    expect(message.Envelope.To).toEqual(['用户@例子.测试']);
    const raw = await (await app.http(`api/v1/message/${message.ID}/raw`)).text();
    expect(raw).toContain('Ihr Code lautet 123456. 你好，世界。');
  });

  it('lists envelope recipients that no header names as Bcc', async () => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: app.smtpPort, ignoreTLS: true });
    const info = await t.sendMail({
      from: 'app@example.test',
      to: 'visible@example.test',
      cc: 'copied@example.test',
      bcc: ['secret@example.test'],
      subject: 'with bcc',
      text: 'hi',
    });
    t.close();
    const message = await app.json<MessageJson>(`api/v1/message/${queuedId(info.response)}`);
    expect(message.To.map((a) => a.Address)).toEqual(['visible@example.test']);
    expect(message.Bcc.map((a) => a.Address)).toEqual(['secret@example.test']);
    expect(message.Envelope.To.sort()).toEqual([
      'copied@example.test',
      'secret@example.test',
      'visible@example.test',
    ]);
  });

  it('answers 452 beyond --smtp-max-recipients and delivers to the accepted ones', async () => {
    const smtp = await greet(app.smtpPort);
    await smtp.command('MAIL FROM:<a@example.test>');
    for (const n of [1, 2, 3]) expect((await smtp.command(`RCPT TO:<r${n}@example.test>`)).code).toBe(250);
    expect((await smtp.command('RCPT TO:<r4@example.test>')).code).toBe(452);
    expect((await smtp.command('DATA')).code).toBe(354);
    smtp.write(dataPayload(rfc822({ Subject: 'three recipients' }, 'x')));
    const done = await smtp.read();
    expect(done.code).toBe(250);
    smtp.end();
    const message = await app.json<MessageJson>(`api/v1/message/${queuedId(done.text)}`);
    expect(message.Envelope.To).toEqual(['r1@example.test', 'r2@example.test', 'r3@example.test']);
  });

  it('refuses a message over --max-message-size with 552 and stores nothing', async () => {
    const before = (await app.json<MessagesList>('api/v1/messages')).total;
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<a@example.test> SIZE=5000000')).code).toBe(552);
    await smtp.command('MAIL FROM:<a@example.test>');
    await smtp.command('RCPT TO:<b@example.test>');
    expect((await smtp.command('DATA')).code).toBe(354);
    const line = `${'y'.repeat(998)}\r\n`;
    smtp.write(dataPayload(rfc822({ Subject: 'too big' }, line.repeat(1100))));
    expect((await smtp.read()).code).toBe(552);
    // The connection stays usable for the next transaction.
    await smtp.command('MAIL FROM:<a@example.test>');
    await smtp.command('RCPT TO:<b@example.test>');
    await smtp.command('DATA');
    smtp.write(dataPayload(rfc822({ Subject: 'small after big' }, 'ok')));
    expect((await smtp.read()).code).toBe(250);
    smtp.end();
    const list = await app.json<MessagesList>('api/v1/messages');
    expect(list.total).toBe(before + 1);
    expect(list.messages.map((m) => m.Subject)).not.toContain('too big');
  });

  it('answers garbage and out-of-sequence commands with 500/501/503', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(503);
    expect((await smtp.command('EHLO client.test')).code).toBe(250);
    expect((await smtp.command('HELLO there')).code).toBe(500);
    expect((await smtp.command('RCPT TO:<b@example.test>')).code).toBe(503);
    expect((await smtp.command('DATA')).code).toBe(503);
    expect((await smtp.command('MAIL FROM:not-an-address')).code).toBe(501);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('MAIL FROM:<again@example.test>')).code).toBe(503);
    expect((await smtp.command('DATA')).code).toBe(503);
    expect((await smtp.command('RSET')).code).toBe(250);
    expect((await smtp.command('NOOP')).code).toBe(250);
    expect((await smtp.command('QUIT')).code).toBe(221);
    await smtp.closed;
  });

  it('refuses an HTTP request sent to the SMTP port', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    expect((await smtp.command('GET / HTTP/1.1')).code).toBe(421);
    await smtp.closed;
  });

  it('stores a message whose MIME is broken, flagged with the reason', async () => {
    const smtp = await greet(app.smtpPort);
    await smtp.command('MAIL FROM:<broken@example.test>');
    await smtp.command('RCPT TO:<qa@example.test>');
    await smtp.command('DATA');
    const broken = rfc822(
      { Subject: 'broken multipart', 'Content-Type': 'multipart/mixed; boundary="never-used"' },
      'no parts here at all\n',
    );
    smtp.write(dataPayload(broken));
    const done = await smtp.read();
    expect(done.code).toBe(250);
    smtp.end();
    const message = await app.json<MessageJson>(`api/v1/message/${queuedId(done.text)}`);
    expect(message.Subject).toBe('broken multipart');
    expect(message.ParseError).toMatch(/boundary "never-used" never appears/);
    const raw = await (await app.http(`api/v1/message/${message.ID}/raw`)).text();
    expect(raw).toBe(broken.endsWith('\r\n') ? broken : `${broken}\r\n`);
  });

  it('stores a body with no header section, flagged, with the envelope sender as From', async () => {
    const smtp = await greet(app.smtpPort);
    await smtp.command('MAIL FROM:<nohead@example.test>');
    await smtp.command('RCPT TO:<qa@example.test>');
    await smtp.command('DATA');
    smtp.write(dataPayload('just some text\r\nwithout any headers\r\n'));
    const done = await smtp.read();
    expect(done.code).toBe(250);
    smtp.end();
    const message = await app.json<MessageJson>(`api/v1/message/${queuedId(done.text)}`);
    expect(message.ParseError).toMatch(/no header section/);
    expect(message.Bcc.map((a) => a.Address)).toEqual(['qa@example.test']);
  });

  it('keeps a transcript of the session with AUTH credentials hidden', async () => {
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('AUTH LOGIN')).text).toBe('VXNlcm5hbWU6');
    expect((await smtp.command(Buffer.from('teacher').toString('base64'))).code).toBe(334);
    expect((await smtp.command(Buffer.from('top-secret-pw').toString('base64'))).code).toBe(235);
    await smtp.command('MAIL FROM:<a@example.test>');
    await smtp.command('RCPT TO:<b@example.test>');
    await smtp.command('DATA');
    smtp.write(dataPayload(rfc822({ Subject: 'transcribed' }, 'hello')));
    const done = await smtp.read();
    await smtp.command('QUIT');
    await smtp.closed;
    const message = await app.json<MessageJson>(`api/v1/message/${queuedId(done.text)}`);
    const session = await eventually(async () => {
      const res = await app.http(`api/v1/session/${message.SessionID}`);
      const doc = (await res.json()) as { Ended: string | null; Transcript: { Dir: string; Text: string }[] };
      return doc.Ended ? doc : undefined;
    });
    const lines = session.Transcript.map((l) => `${l.Dir}: ${l.Text}`);
    expect(lines[0]).toMatch(/^\*: connected from 127\.0\.0\.1:\d+ \(smtp\)$/);
    expect(lines).toContain('C: EHLO client.test');
    expect(lines).toContain('S: 334 VXNlcm5hbWU6   (base64 of "Username:")');
    expect(lines).toContain('*: AUTH LOGIN as "teacher" (password hidden): accepted');
    expect(lines).toContain('C: MAIL FROM:<a@example.test>');
    expect(lines.some((l) => /^C: <\d+ bytes of message data>$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith(`S: 250 2.6.0 Ok: queued as ${message.ID}`))).toBe(true);
    expect(lines.at(-1)).toBe('*: connection closed');
    const text = JSON.stringify(session);
    expect(text).not.toContain('top-secret-pw');
    expect(text).not.toContain(Buffer.from('top-secret-pw').toString('base64'));
  });

  it('stores a large text-and-attachments mail byte for byte (read at once, its buffer moved to the writer)', async () => {
    const composed = await composeMail({
      from: 'app@example.test',
      to: 'ann@example.test',
      subject: 'Your invoice 7',
      text: 'Hello Ann,\nyour invoice is attached.\n',
      attachments: [{ filename: 'invoice.pdf', content: Buffer.alloc(90_000, 0x41) }],
    });
    const raw = composed.toString('latin1');
    const smtp = await greet(app.smtpPort);
    await smtp.command('MAIL FROM:<app@example.test>');
    await smtp.command('RCPT TO:<ann@example.test>');
    await smtp.command('DATA');
    smtp.write(dataPayload(raw));
    const done = await smtp.read();
    expect(done.code).toBe(250);
    await smtp.command('QUIT');
    const id = queuedId(done.text);
    const stored = Buffer.from(await (await app.http(`api/v1/message/${id}/raw`)).arrayBuffer());
    expect(stored.equals(Buffer.from(raw.endsWith('\r\n') ? raw : `${raw}\r\n`, 'latin1'))).toBe(true);
    const message = await app.json<MessageJson>(`api/v1/message/${id}`);
    expect(message.Subject).toBe('Your invoice 7');
    expect(message.Attachments.map((a) => a.FileName)).toEqual(['invoice.pdf']);
  });

  it('shows an open session its latest lines, and each line once after the close', async () => {
    // Lines are written to the database in chunks (every 200 lines or after a second), so a read
    // of an open session merges the newest ones in from the live connection.
    const smtp = await greet(app.smtpPort);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await smtp.command('MAIL FROM:<open@example.test>');
      await smtp.command('RCPT TO:<b@example.test>');
      await smtp.command('DATA');
      smtp.write(dataPayload(rfc822({ Subject: `open ${i}` }, 'hello')));
      ids.push(queuedId((await smtp.read()).text));
    }
    await smtp.command('NOOP');
    const message = await app.json<MessageJson>(`api/v1/message/${ids[2]}`);
    const lines = async () => {
      const res = await app.http(`api/v1/session/${message.SessionID}`);
      const doc = (await res.json()) as { Ended: string | null; Transcript: { Dir: string; Text: string }[] };
      return { ended: doc.Ended, lines: doc.Transcript.map((l) => `${l.Dir}: ${l.Text}`) };
    };
    const open = await lines();
    expect(open.ended).toBeNull();
    for (const id of ids) {
      expect(open.lines.filter((l) => l.startsWith(`S: 250 2.6.0 Ok: queued as ${id}`))).toHaveLength(1);
    }
    expect(open.lines.at(-2)).toBe('C: NOOP');
    expect(open.lines.at(-1)).toMatch(/^S: 250 /);

    await smtp.command('QUIT');
    await smtp.closed;
    const closed = await eventually(async () => {
      const now = await lines();
      return now.ended ? now : undefined;
    });
    expect(closed.lines.slice(0, open.lines.length)).toEqual(open.lines);
    expect(closed.lines.slice(open.lines.length)).toEqual([
      'C: QUIT',
      expect.stringMatching(/^S: 221 /),
      '*: connection closed',
    ]);
  });
});

describe('SMTP timeouts', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--smtp-idle-timeout', '500ms', '--smtp-command-timeout', '1500ms']);
  });
  afterAll(() => app.stop());

  it('closes a connection that stays silent past the idle timeout with 421', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    const reply = await smtp.read(4000);
    expect(reply.code).toBe(421);
    await smtp.closed;
  });

  it('closes a connection that trickles a command too slowly to finish it in time', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    const started = Date.now();
    // One byte every 200 ms resets the idle timer but never completes the command.
    const trickle = setInterval(() => smtp.write('E'), 200);
    try {
      const reply = await smtp.read(6000);
      expect(reply.code).toBe(421);
      expect(reply.text).toMatch(/no complete command within 1.5s/);
      await smtp.closed;
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    } finally {
      clearInterval(trickle);
    }
  });
});
