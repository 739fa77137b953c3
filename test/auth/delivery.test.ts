import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GOOD_PASSWORD, startAuthApp, type AuthApp } from '../helpers/auth-harness.ts';

/** SMTP trouble for the auth mailer: timeouts and failed mails after the main one. */
describe('auth mail delivery problems', () => {
  let app: AuthApp;

  beforeAll(async () => {
    // Short client timeouts, so a server that does not answer in time fails within the test.
    app = await startAuthApp([
      '--auth-smtp-greeting-timeout',
      '300ms',
      '--auth-smtp-socket-timeout',
      '300ms',
    ]);
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(async () => {
    await app.resetAuth();
    await app.chaos({});
  });

  async function signUp(email: string): Promise<Record<string, string>> {
    expect((await app.post('register', { email, password: GOOD_PASSWORD }, app.freshIp())).status).toBe(202);
    const { code } = await app.latestMail(email);
    const verified = await app.post<{ session: { token: string } }>(
      'register/verify',
      { email, code },
      { 'x-session-transport': 'token', ...app.freshIp() },
    );
    expect(verified.status).toBe(201);
    return { authorization: `Bearer ${verified.body.session.token}` };
  }

  it('answers 503 email_delivery_failed when the server is slower than the greeting timeout, and stores nothing', async () => {
    await app.chaos({ Connect: { DelayMs: 2000 } });
    const res = await app.post('login/code', { email: 'slow@example.test' }, app.freshIp());
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'email_delivery_failed' });
    expect(JSON.stringify(res.body)).not.toMatch(/timeout|greeting|127\.0\.0\.1|\d{4,5}/i);
    const events = await app.get<{ events: { type: string; detail: string }[] }>('_harness/events');
    expect(events.body.events.map((e) => e.type)).toEqual(['mail_failed']);
    await app.chaos({});
    // Nothing was reserved: the retry is not held back by the 60 s cooldown.
    expect((await app.post('login/code', { email: 'slow@example.test' }, app.freshIp())).status).toBe(202);
  });

  it('answers 503 for an email change whose code mail fails, and keeps the old address', async () => {
    const auth = await signUp('mover@example.test');
    await app.chaos({ Data: { ErrorCode: 451, Next: 1 } });
    const res = await app.post(
      'email/change',
      { newEmail: 'moved@example.test', currentPassword: GOOD_PASSWORD },
      { ...auth, ...app.freshIp() },
    );
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'email_delivery_failed' });
    const session = await app.get<{ user: { email: string } }>('session', auth);
    expect(session.body.user.email).toBe('mover@example.test');
    // No code was stored for the change: any code is unknown.
    const verify = await app.post('email/change/verify', { code: '000000' }, { ...auth, ...app.freshIp() });
    expect(verify.body).toMatchObject({ code: 'invalid_code', attemptsRemaining: 0 });
  });

  it('completes a reset even when the "password changed" notice cannot be sent, and records it', async () => {
    await signUp('notice@example.test');
    const before = (await app.latestMail('notice@example.test')).id;
    expect((await app.post('password/forgot', { email: 'notice@example.test' }, app.freshIp())).status).toBe(
      202,
    );
    const link = (await app.latestMail('notice@example.test', before)).resetLink ?? '';
    const token = new URL(link).hash.replace('#token=', '');
    await app.chaos({ Data: { ErrorCode: 554, Next: 1 } });
    const reset = await app.post(
      'password/reset',
      { token, newPassword: 'quartz-meadow-harbor-58' },
      app.freshIp(),
    );
    expect(reset.status).toBe(204);
    const login = await app.post(
      'login',
      { email: 'notice@example.test', password: 'quartz-meadow-harbor-58' },
      app.freshIp(),
    );
    expect(login.status).toBe(200);
    const events = await app.get<{ events: { type: string; detail: string | null }[] }>('_harness/events');
    expect(events.body.events).toContainEqual(
      expect.objectContaining({ type: 'mail_failed', detail: 'password_changed' }),
    );
  });
});
