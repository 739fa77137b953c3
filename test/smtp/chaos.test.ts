import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataPayload, rfc822, SmtpConversation } from '../helpers/smtp-conversation.ts';
import { eventually, startTestApp, type MessagesList, type TestApp } from '../helpers/test-app.ts';

/**
 * Fault injection (DESIGN.md §3.2): Mailpit's /api/v1/chaos triggers Sender, Recipient and
 * Authentication, plus catchall's Connect and Data, `Next` and `DelayMs`.
 */

interface Trigger {
  ErrorCode: number;
  Probability: number;
  Next?: number;
  DelayMs?: number;
}
type Triggers = Record<'Sender' | 'Recipient' | 'Authentication' | 'Connect' | 'Data', Trigger>;

const RESET: Triggers = {
  Sender: { ErrorCode: 451, Probability: 0 },
  Recipient: { ErrorCode: 451, Probability: 0 },
  Authentication: { ErrorCode: 535, Probability: 0 },
  Connect: { ErrorCode: 421, Probability: 0 },
  Data: { ErrorCode: 451, Probability: 0 },
};

async function greet(port: number, helo = 'chaos.test'): Promise<SmtpConversation> {
  const smtp = await SmtpConversation.connect(port);
  expect((await smtp.read()).code).toBe(220);
  expect((await smtp.command(`EHLO ${helo}`)).code).toBe(250);
  return smtp;
}

describe('chaos with --enable-chaos', () => {
  let app: TestApp;
  const putChaos = (body: unknown) =>
    app.http('api/v1/chaos', { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });
  const setChaos = async (body: unknown): Promise<Triggers> => {
    const res = await putChaos(body);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as Triggers;
  };
  const getChaos = () => app.json<Triggers>('api/v1/chaos');
  const total = async () => (await app.json<MessagesList>('api/v1/messages')).total;

  beforeAll(async () => {
    app = await startTestApp(['--enable-chaos']);
  });
  afterEach(async () => {
    await setChaos({});
  });
  afterAll(() => app.stop());

  it('shows every trigger off in Mailpit’s shape, with catchall’s Connect and Data', async () => {
    expect(await getChaos()).toEqual(RESET);
    const webui = await app.json<{ ChaosEnabled: boolean }>('api/v1/webui');
    expect(webui.ChaosEnabled).toBe(true);
  });

  it('replaces the triggers with PUT, answers the result, and resets with {}', async () => {
    const set = await setChaos({
      Sender: { ErrorCode: 452, Probability: 100 },
      Data: { ErrorCode: 554, Probability: 50 },
    });
    const expected = {
      ...RESET,
      Sender: { ErrorCode: 452, Probability: 100 },
      Data: { ErrorCode: 554, Probability: 50 },
    };
    expect(set).toEqual(expected);
    expect(await getChaos()).toEqual(expected);
    // A PUT replaces everything: stages it does not name go back to their defaults.
    expect(await setChaos({ Recipient: { ErrorCode: 450, Probability: 10 } })).toEqual({
      ...RESET,
      Recipient: { ErrorCode: 450, Probability: 10 },
    });
    expect(await setChaos({})).toEqual(RESET);
    expect(await getChaos()).toEqual(RESET);
    // A body-less PUT is `{}` too (mailpit-api sends one).
    const empty = await app.http('api/v1/chaos', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(empty.status).toBe(200);
  });

  it('matches field names case-insensitively', async () => {
    expect(await setChaos({ sender: { errorcode: 450, PROBABILITY: 100 } })).toMatchObject({
      Sender: { ErrorCode: 450, Probability: 100 },
    });
  });

  it('rejects invalid triggers with 400 invalid_chaos and keeps the old ones', async () => {
    await setChaos({ Sender: { ErrorCode: 452, Probability: 100 } });
    const before = await getChaos();
    for (const body of [
      { Sender: { ErrorCode: 300, Probability: 100 } },
      { Sender: { ErrorCode: 700, Probability: 100 } },
      { Sender: { ErrorCode: 399 } },
      { Recipient: { Probability: 150 } },
      { Recipient: { Probability: -1 } },
      { Recipient: { Probability: 12.5 } },
      { Sender: { ErrorCode: '451' } },
      { Sender: { Oops: 1 } },
      { Unknown: { ErrorCode: 451, Probability: 100 } },
      { Data: { DelayMs: -5 } },
      { Data: { DelayMs: 10 * 60 * 1000 } },
      { Connect: { Next: -1 } },
      { Sender: null },
      { Sender: 'fail' },
    ]) {
      const res = await putChaos(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json(), JSON.stringify(body)).toMatchObject({
        Code: 'invalid_chaos',
        Error: expect.any(String),
      });
    }
    for (const raw of ['{"Sender":', '[]']) {
      const res = await putChaos(raw);
      expect(res.status, raw).toBe(400);
      expect(await res.json(), raw).toMatchObject({ Code: 'invalid_json' });
    }
    expect(await getChaos()).toEqual(before);
  });

  it('fails MAIL FROM with the Sender code', async () => {
    await setChaos({ Sender: { ErrorCode: 451, Probability: 100 } });
    const smtp = await greet(app.smtpPort);
    const reply = await smtp.command('MAIL FROM:<a@example.test>');
    expect(reply.code).toBe(451);
    expect(reply.text).toMatch(/chaos/i);
    // The session goes on: the next try can succeed once the trigger is off.
    await setChaos({});
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('QUIT')).code).toBe(221);
  });

  it('fails RCPT TO with the Recipient code, after MAIL FROM succeeded', async () => {
    await setChaos({ Recipient: { ErrorCode: 550, Probability: 100 } });
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<b@example.test>')).code).toBe(550);
    expect((await smtp.command('DATA')).code).toBe(503);
    smtp.end();
  });

  it('fails AUTH with the Authentication code, for raw SMTP and for nodemailer', async () => {
    await setChaos({ Authentication: { ErrorCode: 454, Probability: 100 } });
    const smtp = await greet(app.smtpPort);
    const plain = Buffer.from('\u0000user\u0000pass').toString('base64');
    expect((await smtp.command(`AUTH PLAIN ${plain}`)).code).toBe(454);
    smtp.end();

    await setChaos({ Authentication: { ErrorCode: 535, Probability: 100 } });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.smtpPort,
      ignoreTLS: true,
      auth: { user: 'user', pass: 'pass' },
    });
    await expect(
      transport.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'auth chaos', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 535 });
    transport.close();
    await setChaos({});
    const ok = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.smtpPort,
      ignoreTLS: true,
      auth: { user: 'user', pass: 'pass' },
    });
    await ok.sendMail({ from: 'a@example.test', to: 'b@example.test', subject: 'auth ok', text: 'x' });
    ok.close();
  });

  it('fails the greeting with the Connect code and closes the connection', async () => {
    await setChaos({ Connect: { ErrorCode: 554, Probability: 100 } });
    const smtp = await SmtpConversation.connect(app.smtpPort);
    const greeting = await smtp.read();
    expect(greeting.code).toBe(554);
    await smtp.closed;
  });

  it('fails the reply after DATA with the Data code and stores nothing', async () => {
    await setChaos({ Data: { ErrorCode: 452, Probability: 100 } });
    const before = await total();
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<data-chaos@example.test>')).code).toBe(250);
    expect((await smtp.command('DATA')).code).toBe(354);
    smtp.write(dataPayload(rfc822({ Subject: 'refused by chaos', From: 'a@example.test' }, 'never stored')));
    expect((await smtp.read()).code).toBe(452);
    await setChaos({});
    // The same session delivers the next message, which is the only one stored.
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<data-chaos@example.test>')).code).toBe(250);
    expect((await smtp.command('DATA')).code).toBe(354);
    smtp.write(dataPayload(rfc822({ Subject: 'accepted after chaos', From: 'a@example.test' }, 'stored')));
    expect((await smtp.read()).code).toBe(250);
    smtp.end();
    expect(await total()).toBe(before + 1);
    const found = await app.json<MessagesList>(
      `api/v1/search?query=${encodeURIComponent('addressed:data-chaos@example.test')}`,
    );
    expect(found.messages.map((m) => m.Subject)).toEqual(['accepted after chaos']);
  });

  it('with Next: 2 fails exactly the next two commands, counting down in GET, then stops', async () => {
    const set = await setChaos({ Recipient: { ErrorCode: 451, Next: 2 } });
    expect(set.Recipient).toEqual({ ErrorCode: 451, Probability: 0, Next: 2 });
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<one@example.test>')).code).toBe(451);
    expect((await getChaos()).Recipient.Next).toBe(1);
    expect((await smtp.command('RCPT TO:<two@example.test>')).code).toBe(451);
    expect((await getChaos()).Recipient.Next ?? 0).toBe(0);
    for (let i = 0; i < 5; i++) expect((await smtp.command(`RCPT TO:<ok${i}@example.test>`)).code).toBe(250);
    expect((await getChaos()).Recipient).toEqual({ ErrorCode: 451, Probability: 0 });
    smtp.end();
  });

  it('with Next fails regardless of Probability, and only the stage it is set on', async () => {
    await setChaos({ Sender: { ErrorCode: 450, Probability: 0, Next: 1 } });
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(450);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<b@example.test>')).code).toBe(250);
    smtp.end();
  });

  it('with DelayMs answers the stage only after the delay', async () => {
    await setChaos({ Sender: { DelayMs: 400 } });
    expect((await getChaos()).Sender).toMatchObject({ DelayMs: 400, Probability: 0 });
    const smtp = await greet(app.smtpPort);
    let started = performance.now();
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    // Timers may fire a millisecond or two early on a loaded machine.
    expect(performance.now() - started).toBeGreaterThanOrEqual(400 - 25);

    await setChaos({ Recipient: { ErrorCode: 452, Probability: 100, DelayMs: 300 } });
    started = performance.now();
    expect((await smtp.command('RCPT TO:<b@example.test>')).code).toBe(452);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300 - 25);
    smtp.end();
  });

  it('with only DelayMs on Authentication still checks the credentials after the delay', async () => {
    await setChaos({ Authentication: { DelayMs: 300 } });
    const smtp = await greet(app.smtpPort);
    const started = performance.now();
    expect(
      (await smtp.command(`AUTH PLAIN ${Buffer.from('\u0000ann\u0000pw').toString('base64')}`)).code,
    ).toBe(235);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300 - 25);
    smtp.end();
  });

  it('with Probability 100 always fails and with 0 never does', async () => {
    await setChaos({ Recipient: { ErrorCode: 452, Probability: 100 } });
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    for (let i = 0; i < 20; i++) expect((await smtp.command(`RCPT TO:<f${i}@example.test>`)).code).toBe(452);
    await setChaos({ Recipient: { ErrorCode: 452, Probability: 0 } });
    for (let i = 0; i < 20; i++) expect((await smtp.command(`RCPT TO:<s${i}@example.test>`)).code).toBe(250);
    smtp.end();
  });

  it('notes the injected fault in the session transcript', async () => {
    await setChaos({ Sender: { ErrorCode: 451, Probability: 100 } });
    const smtp = await greet(app.smtpPort, 'transcript-chaos.test');
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(451);
    expect((await smtp.command('QUIT')).code).toBe(221);
    await smtp.closed;
    const transcript = await eventually(async () => {
      const { sessions } = await app.json<{ sessions: { ID: string }[] }>('api/v1/sessions?limit=0');
      for (const { ID } of sessions) {
        const session = await app.json<{ Transcript: { Dir: string; Text: string }[] }>(
          `api/v1/session/${ID}`,
        );
        if (session.Transcript.some((l) => l.Text === 'EHLO transcript-chaos.test'))
          return session.Transcript;
      }
      return undefined;
    });
    const texts = transcript.map((l) => `${l.Dir} ${l.Text}`);
    const note = texts.findIndex((t) => /^\* chaos: Sender answers 451/.test(t));
    expect(note, texts.join('\n')).toBeGreaterThan(-1);
    expect(texts[note - 1]).toBe('C MAIL FROM:<a@example.test>');
    expect(texts[note + 1]).toMatch(/^S 451 /);
  });
});

describe('chaos without --enable-chaos', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.stop());

  it('answers GET and PUT /api/v1/chaos with 400 chaos_not_enabled', async () => {
    for (const init of [
      { method: 'GET' },
      { method: 'PUT', body: JSON.stringify({ Sender: { ErrorCode: 451, Probability: 100 } }) },
      { method: 'PUT', body: '{}' },
    ]) {
      const res = await app.http('api/v1/chaos', init);
      expect(res.status, init.method).toBe(400);
      expect(await res.json()).toMatchObject({
        Code: 'chaos_not_enabled',
        Error: expect.stringContaining('--enable-chaos'),
      });
    }
    expect((await app.json<{ ChaosEnabled: boolean }>('api/v1/webui')).ChaosEnabled).toBe(false);
  });

  it('never injects a fault', async () => {
    const smtp = await greet(app.smtpPort);
    expect((await smtp.command('MAIL FROM:<a@example.test>')).code).toBe(250);
    expect((await smtp.command('RCPT TO:<b@example.test>')).code).toBe(250);
    smtp.end();
  });
});
