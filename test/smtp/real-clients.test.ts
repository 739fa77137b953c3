import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

const run = promisify(execFile);

/**
 * The clients the README tells people to use: swaks, curl and Python's smtplib, each a real
 * program from Debian (installed by .ci/run), talking to a real server.
 */
describe('real SMTP clients', () => {
  let app: TestApp;
  let dir: string;
  beforeAll(async () => {
    app = await startTestApp();
    dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-clients-'));
  });
  afterAll(() => app.stop());

  const find = async (subject: string) => {
    const list = await app.json<MessagesList>('api/v1/messages');
    return list.messages.find((m) => m.Subject === subject);
  };

  it('captures swaks with STARTTLS and AUTH LOGIN', async () => {
    await run('swaks', [
      '--server',
      `127.0.0.1:${app.smtpPort}`,
      '--tls',
      '--auth',
      'LOGIN',
      '--auth-user',
      'u',
      '--auth-password',
      'p',
      '--from',
      'swaks@example.test',
      '--to',
      'a@example.test',
      '--header',
      'Subject: from swaks',
    ]);
    const message = await find('from swaks');
    expect(message?.Username).toBe('u');
    expect(message?.To.map((a) => a.Address)).toEqual(['a@example.test']);
  });

  it('captures curl over plain SMTP and over STARTTLS with credentials', async () => {
    const file = path.join(dir, 'mail.txt');
    writeFileSync(file, 'From: a@x.test\r\nTo: b@y.test\r\nSubject: from curl\r\n\r\nhello from curl\r\n');
    await run('curl', [
      '-sS',
      `smtp://127.0.0.1:${app.smtpPort}`,
      '--mail-from',
      'a@x.test',
      '--mail-rcpt',
      'b@y.test',
      '-T',
      file,
    ]);
    expect((await find('from curl'))?.Snippet).toBe('hello from curl');

    writeFileSync(file, 'From: a@x.test\r\nTo: b@y.test\r\nSubject: from curl tls\r\n\r\nsecure hello\r\n');
    await run('curl', [
      '-sS',
      `smtp://127.0.0.1:${app.smtpPort}`,
      '--ssl-reqd',
      '-k',
      '--user',
      'u:p',
      '--mail-from',
      'a@x.test',
      '--mail-rcpt',
      'b@y.test',
      '-T',
      file,
    ]);
    expect((await find('from curl tls'))?.Username).toBe('u');
  });

  it("captures Python's smtplib with starttls, login and an attachment", async () => {
    const script = `
import smtplib, sys
from email.message import EmailMessage
msg = EmailMessage()
msg['Subject'] = 'from python'
msg['From'] = 'py@example.test'
msg['To'] = 'ann@example.test'
msg.set_content('see the attachment')
msg.add_attachment(b'%PDF-1.4 fake', maintype='application', subtype='pdf', filename='report.pdf')
with smtplib.SMTP('127.0.0.1', int(sys.argv[1])) as s:
    s.starttls()
    s.login('py', 'secret')
    s.send_message(msg)
`;
    await run('python3', ['-c', script, String(app.smtpPort)]);
    const message = await find('from python');
    expect(message?.Attachments).toBe(1);
    expect(message?.Username).toBe('py');
  });
});
