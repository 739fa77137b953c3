import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpConversation } from '../helpers/smtp-conversation.ts';
import { startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

interface MessageJson {
  ID: string;
  Subject: string;
  Username: string;
  SessionID: string;
  Envelope: { AuthUser: string; TLS: { Protocol: string; Cipher: string } | null };
}

function transport(port: number, options: Record<string, unknown> = {}) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    tls: { rejectUnauthorized: false },
    ...options,
  });
}

const mail = (subject: string) => ({
  from: 'app@example.test',
  to: 'ann@example.test',
  subject,
  text: `body of ${subject}`,
});

describe('default SMTP listener (any credentials, none required)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--smtps', '127.0.0.1:0']);
  });
  afterAll(() => app.stop());

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])(
    'accepts mail over STARTTLS with AUTH %s and records the user and TLS',
    async (method) => {
      const t = transport(app.smtpPort, {
        requireTLS: true,
        auth: { user: `user-${method}`, pass: 'any password', method },
      });
      const info = await t.sendMail(mail(`auth ${method}`));
      t.close();
      const id = /queued as (\w+)/.exec(info.response)?.[1];
      expect(id).toMatch(/^[A-Za-z0-9]{22}$/);
      const message = await app.json<MessageJson>(`api/v1/message/${id}`);
      expect(message.Subject).toBe(`auth ${method}`);
      expect(message.Username).toBe(`user-${method}`);
      expect(message.Envelope.AuthUser).toBe(`user-${method}`);
      expect(message.Envelope.TLS?.Protocol).toMatch(/^TLSv1\.[23]$/);
    },
  );

  it('accepts mail with no AUTH and no TLS at all', async () => {
    const t = transport(app.smtpPort, { ignoreTLS: true });
    await t.sendMail(mail('plain and anonymous'));
    t.close();
    const list = await app.json<MessagesList>('api/v1/messages');
    const found = list.messages.find((m) => m.Subject === 'plain and anonymous');
    expect(found?.Username).toBe('');
  });

  it('accepts mail on the implicit-TLS (SMTPS) listener', async () => {
    expect(app.smtpsPort).toBeGreaterThan(0);
    const t = transport(app.smtpsPort ?? 0, { secure: true, auth: { user: 'u', pass: 'p' } });
    const info = await t.sendMail(mail('over smtps'));
    t.close();
    const id = /queued as (\w+)/.exec(info.response)?.[1];
    const message = await app.json<MessageJson>(`api/v1/message/${id}`);
    expect(message.Envelope.TLS).not.toBeNull();
  });

  it('presents the certificate it reports, issued for localhost and 127.0.0.1', async () => {
    const t = transport(app.smtpsPort ?? 0, {
      secure: true,
      tls: { ca: app.tlsCertificate, servername: 'localhost' },
    });
    await expect(t.verify()).resolves.toBe(true);
    t.close();
  });

  it('advertises the extensions DESIGN.md promises', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    expect((await smtp.read()).code).toBe(220);
    const ehlo = await smtp.command('EHLO client.test');
    expect(ehlo.code).toBe(250);
    for (const ext of ['PIPELINING', '8BITMIME', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'STARTTLS']) {
      expect(ehlo.lines).toContain(ext);
    }
    expect(ehlo.lines).toContain('AUTH PLAIN LOGIN CRAM-MD5');
    expect(ehlo.lines.some((l) => /^SIZE 52428800$/.test(l))).toBe(true);
    expect((await smtp.command('STARTTLS')).code).toBe(220);
    await smtp.startTls();
    const secured = await smtp.command('EHLO client.test');
    expect(secured.lines).not.toContain('STARTTLS');
    smtp.end();
  });
});

describe('--smtp-auth-file', () => {
  let app: TestApp;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-auth-'));
    const file = path.join(dir, 'users');
    writeFileSync(file, '# test users\nann:s3cret:with:colons\nbob:hunter2\n');
    app = await startTestApp(['--smtp-auth-file', file]);
  });
  afterAll(() => app.stop());

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])('accepts the right password with %s', async (method) => {
    const t = transport(app.smtpPort, { auth: { user: 'ann', pass: 's3cret:with:colons', method } });
    await expect(t.sendMail(mail(`file auth ${method}`))).resolves.toMatchObject({
      accepted: ['ann@example.test'],
    });
    t.close();
  });

  it.each(['PLAIN', 'LOGIN', 'CRAM-MD5'])('rejects a wrong password with %s and 535', async (method) => {
    const t = transport(app.smtpPort, { auth: { user: 'ann', pass: 'wrong', method } });
    await expect(t.sendMail(mail('never stored'))).rejects.toMatchObject({ responseCode: 535 });
    t.close();
  });

  it('rejects an unknown user with 535', async () => {
    const t = transport(app.smtpPort, { auth: { user: 'mallory', pass: 'hunter2' } });
    await expect(t.sendMail(mail('never stored'))).rejects.toMatchObject({ responseCode: 535 });
    t.close();
  });

  it('requires AUTH before MAIL FROM (530)', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    await smtp.command('EHLO client.test');
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(530);
    smtp.end();
    const list = await app.json<MessagesList>('api/v1/messages');
    expect(list.messages.map((m) => m.Subject)).not.toContain('never stored');
  });
});

describe('--smtp-require-starttls', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--smtp-require-starttls']);
  });
  afterAll(() => app.stop());

  it('refuses MAIL FROM and AUTH on a plain connection', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    await smtp.command('EHLO client.test');
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(530);
    expect((await smtp.command('AUTH PLAIN AHUAcA==')).code).toBe(538);
    smtp.end();
  });

  it('accepts mail once the client has used STARTTLS', async () => {
    const t = transport(app.smtpPort, { requireTLS: true });
    await expect(t.sendMail(mail('after starttls'))).resolves.toBeTruthy();
    t.close();
  });
});

describe('--no-smtp-auth-allow-insecure', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--no-smtp-auth-allow-insecure']);
  });
  afterAll(() => app.stop());

  it('answers AUTH before STARTTLS with 538 but takes mail without AUTH, and AUTH after STARTTLS', async () => {
    const smtp = await SmtpConversation.connect(app.smtpPort);
    await smtp.read();
    await smtp.command('EHLO client.test');
    expect((await smtp.command('AUTH PLAIN AHUAcA==')).code).toBe(538);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    smtp.end();
    const t = transport(app.smtpPort, { requireTLS: true, auth: { user: 'u', pass: 'p' } });
    await expect(t.sendMail(mail('auth after tls'))).resolves.toBeTruthy();
    t.close();
  });
});

describe('--smtp-require-tls', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(['--smtp-require-tls']);
  });
  afterAll(() => app.stop());

  it('makes the --smtp listener speak implicit TLS', async () => {
    const t = transport(app.smtpPort, { secure: true });
    await expect(t.sendMail(mail('implicit tls'))).resolves.toBeTruthy();
    t.close();
    const plain = transport(app.smtpPort, {
      ignoreTLS: true,
      connectionTimeout: 2000,
      greetingTimeout: 2000,
    });
    await expect(plain.sendMail(mail('plain text to a TLS port'))).rejects.toBeTruthy();
    plain.close();
  });
});
