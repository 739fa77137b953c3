import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatchallError, startCatchall, type StartedCatchall } from '../../src/client/index.ts';

describe('catchall/client with startCatchall', () => {
  let catchall: StartedCatchall;
  const send = async (to: string, subject: string, text: string, html?: string) => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: catchall.smtpPort, ignoreTLS: true });
    await t.sendMail({ from: 'app@example.test', to, subject, text, ...(html ? { html } : {}) });
    t.close();
  };

  beforeAll(async () => {
    catchall = await startCatchall();
  });
  afterAll(() => catchall.stop());

  it('starts on free ports and lists, searches, reads and deletes', async () => {
    expect(catchall.smtpPort).toBeGreaterThan(0);
    await send('ann@example.test', 'first', 'one');
    await send('bob@example.test', 'second', 'two');
    const list = await catchall.client.list();
    expect(list.messages.map((m) => m.Subject)).toEqual(['second', 'first']);
    const found = await catchall.client.search('to:ann@example.test');
    expect(found.messages.map((m) => m.Subject)).toEqual(['first']);
    const message = await catchall.client.get('latest', { query: 'to:bob@example.test' });
    expect(message.Text.trim()).toBe('two');
    expect(await catchall.client.raw(message.ID)).toContain('Subject: second');
    await catchall.client.markRead([found.messages[0]?.ID ?? ''], true);
    expect((await catchall.client.search('is:read')).messages_count).toBe(2);
    await catchall.client.deleteSearch('to:ann@example.test');
    expect((await catchall.client.list()).total).toBe(1);
    await catchall.client.delete();
    expect((await catchall.client.list()).total).toBe(0);
  });

  it('waits for a message that arrives after the call', async () => {
    const since = new Date();
    const waiting = catchall.client.waitForMessage({
      query: 'to:later@example.test',
      after: since,
      timeoutMs: 5000,
    });
    await send('later@example.test', 'arrived later', 'hello');
    expect((await waiting).Subject).toBe('arrived later');
  });

  it('ignores older mail when given `after`', async () => {
    await send('again@example.test', 'old mail', 'old');
    const old = await catchall.client.get('latest', { query: 'to:again@example.test' });
    // `after` has millisecond resolution: start just past the old mail's time.
    const since = new Date(Date.parse(old.Created) + 1);
    while (Date.now() < since.getTime()) await new Promise((r) => setImmediate(r));
    const waiting = catchall.client.waitForMessage({
      query: 'to:again@example.test',
      after: since,
      timeoutMs: 5000,
    });
    await send('again@example.test', 'new mail', 'new');
    expect((await waiting).Subject).toBe('new mail');
  });

  it('hands over the code and the verify link of a sign-up mail that arrives later', async () => {
    const since = new Date();
    const code = catchall.client.waitForCode({ query: 'to:zoe@example.test', after: since });
    const link = catchall.client.waitForLink('verify', { query: 'to:zoe@example.test', after: since });
    await send(
      'zoe@example.test',
      'Confirm your email',
      'Your verification code is 482 913. Or open https://app.example.test/verify?token=Zx81kQ',
      '<p>Your verification code is <b>482 913</b>.</p><p><a href="https://app.example.test/verify?token=Zx81kQ">Verify email</a></p>' +
        '<p><a href="https://app.example.test/unsubscribe">Unsubscribe</a> · Order #10023, 12/05/2026</p>',
    );
    expect(await code).toBe('482913');
    expect(await link).toBe('https://app.example.test/verify?token=Zx81kQ');
    const found = await catchall.client.extract('latest', { query: 'to:zoe@example.test' });
    expect(found.Codes[0]).toMatchObject({ Value: '482913', Display: '482 913', Source: 'html' });
    expect(found.Links.map((l) => l.Kind)).toContain('unsubscribe');
    expect(found.Links[0]).toMatchObject({ Kind: 'verify', Text: 'Verify email', Source: 'html' });
  });

  it('reports a mail without a code as such', async () => {
    await send(
      'news@example.test',
      'Weekly digest',
      'Order 10023 ships on 2026-12-05 at 10:30. Total $42.00',
    );
    await expect(
      catchall.client.waitForCode({ query: 'to:news@example.test', timeoutMs: 500 }),
    ).rejects.toMatchObject({
      code: 'no_code',
    });
  });

  it('fails with a timeout error when nothing arrives', async () => {
    await expect(
      catchall.client.waitForMessage({ query: 'to:nobody@example.test', timeoutMs: 200 }),
    ).rejects.toMatchObject({
      name: 'CatchallError',
      status: 404,
      code: 'timeout',
    });
  });

  it('reports API errors with status and code', async () => {
    const error = await catchall.client.get('no-such-id').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CatchallError);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('lists SMTP sessions with their transcripts', async () => {
    await send('s@example.test', 'with session', 'x');
    const message = await catchall.client.get('latest');
    const sessions = await catchall.client.sessions();
    expect(sessions.sessions.some((s) => s.MessageIDs.includes(message.ID))).toBe(true);
    const session = await catchall.client.session(message.SessionID);
    expect(session.Transcript.some((l) => l.Text.startsWith('MAIL FROM:'))).toBe(true);
  });
});

describe('startCatchall with --ui-auth-file', () => {
  it('gives a client that logs in as the first user of the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'catchall-client-auth-'));
    const file = path.join(dir, 'users');
    writeFileSync(file, 'qa:s3cret\nother:pw\n');
    const started = await startCatchall({ args: ['--ui-auth-file', file] });
    try {
      expect((await started.client.list()).total).toBe(0);
      expect((await fetch(new URL('api/v1/messages', started.httpUrl))).status).toBe(401);
    } finally {
      await started.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('startCatchall and NODE_ENV', () => {
  it('refuses --auth-harness when NODE_ENV is production, as the CLI does', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(startCatchall({ args: ['--auth-harness'] })).rejects.toThrow(
        /--auth-harness is refused when NODE_ENV=production/,
      );
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});
