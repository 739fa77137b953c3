import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  OTHER_PASSWORD,
  startAuthApp,
  type Answer,
  type AuthApp,
} from '../helpers/auth-harness.ts';

/**
 * Every flow of specs/auth.md end to end: real HTTP in, real SMTP out to the embedded sink, and
 * codes and links read back from the inbox's /extract exactly as a QA suite would.
 */

type Headers = Record<string, string>;

interface SessionBody {
  user: { id: string; email: string; name: string | null; createdAt: string };
  session: { id: string; createdAt: string; expiresAt: string; idleExpiresAt: string; token?: string };
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
let seq = 0;
/** A fresh address per call; none is a substring of another, so `to:` searches stay apart. */
const address = (who: string) => `${who}.${++seq}.${process.pid}@example.test`;

/** The `__Host-session` cookie a response set, as a Cookie request header. */
function cookieOf(res: Answer<unknown>): Headers {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
  if (!set) throw new Error(`no session cookie in ${res.status} ${JSON.stringify(res.body)}`);
  return { cookie: set.split(';')[0] as string };
}

async function register(app: AuthApp, email: string, password = GOOD_PASSWORD, name?: string) {
  const sent = await app.post('register', { email, password, ...(name ? { name } : {}) }, app.freshIp());
  expect(sent.status).toBe(202);
  const mail = await app.latestMail(email);
  const verified = await app.post<SessionBody>('register/verify', { email, code: mail.code }, app.freshIp());
  expect(verified.status).toBe(201);
  return { verified, cookie: cookieOf(verified) };
}

async function passwordLogin(app: AuthApp, email: string, password = GOOD_PASSWORD, extra: Headers = {}) {
  return app.post<SessionBody>('login', { email, password }, { ...app.freshIp(), ...extra });
}

describe('auth flows end to end over SMTP', () => {
  let app: AuthApp;
  beforeAll(async () => {
    app = await startAuthApp();
  });
  afterAll(async () => {
    await app.stop();
  });
  beforeEach(async () => {
    await app.resetAuth();
  });

  it('registers with a mailed code, signs in with a __Host-session cookie, reads the session and logs out', async () => {
    const email = address('ann');
    const sent = await app.post('register', { email, password: GOOD_PASSWORD, name: 'Ann Lee' });
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({
      status: 'verification_sent',
      email,
      codeExpiresInSeconds: 600,
      resendAfterSeconds: 60,
    });

    const mail = await app.latestMail(email);
    expect(mail.subject).toBe('Your verification code');
    expect(mail.code).toMatch(/^\d{6}$/);
    expect(mail.text).toContain('Ann Lee');

    // A pending registration is not an account yet.
    const early = await passwordLogin(app, email);
    expect(early.status).toBe(401);

    const verified = await app.post<SessionBody>('register/verify', { email, code: mail.code });
    expect(verified.status).toBe(201);
    expect(verified.body.user).toMatchObject({ email, name: 'Ann Lee' });
    expect(verified.body.session.token).toBeUndefined();
    const setCookie = verified.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
    expect(setCookie).toBeDefined();
    const [pair, ...attributes] = (setCookie as string).split(';').map((s) => s.trim());
    expect(pair?.slice('__Host-session='.length)).toMatch(TOKEN);
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/', 'Max-Age=86400']),
    );
    expect(attributes.some((a) => a.toLowerCase().startsWith('domain'))).toBe(false);
    const cookie = cookieOf(verified);

    const current = await app.get<SessionBody>('session', cookie);
    expect(current.status).toBe(200);
    expect(current.body.user).toEqual(verified.body.user);
    expect(current.body.session.id).toBe(verified.body.session.id);

    const out = await app.post('logout', {}, cookie);
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((c) => /^__Host-session=;.*Max-Age=0/i.test(c))).toBe(true);
    const after = await app.get('session', cookie);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ code: 'unauthenticated' });
    // The session is gone server-side, so logging out again is unauthenticated too.
    expect((await app.post('logout', {}, cookie)).status).toBe(401);
  });

  it('signs in with a mailed code, issuing a new session beside the existing one', async () => {
    const email = address('bob');
    const { verified, cookie: first } = await register(app, email);
    const registered = await app.latestMail(email);

    const sent = await app.post('login/code', { email }, app.freshIp());
    expect(sent.status).toBe(202);
    expect(sent.body).toEqual({
      status: 'code_sent',
      email,
      codeExpiresInSeconds: 600,
      resendAfterSeconds: 60,
    });
    const mail = await app.latestMail(email, registered.id);
    expect(mail.subject).toBe('Your sign-in code');
    expect(mail.code).toMatch(/^\d{6}$/);

    const signedIn = await app.post<SessionBody>(
      'login/code/verify',
      { email, code: mail.code },
      app.freshIp(),
    );
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(verified.body.user.id);
    expect(signedIn.body.session.id).not.toBe(verified.body.session.id);
    const second = cookieOf(signedIn);
    expect(second.cookie).not.toBe(first.cookie);
    expect((await app.get('session', first)).status).toBe(200);
    expect((await app.get<SessionBody>('session', second)).body.session.id).toBe(signedIn.body.session.id);
  });

  it('signs in with the password and refuses a wrong one with invalid_credentials', async () => {
    const email = address('cyd');
    const { verified } = await register(app, email);
    const wrong = await passwordLogin(app, email, OTHER_PASSWORD);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ code: 'invalid_credentials' });
    expect(wrong.headers.getSetCookie()).toEqual([]);

    const ok = await passwordLogin(app, email);
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(verified.body.user.id);
    expect((await app.get('session', cookieOf(ok))).status).toBe(200);
  });

  it('resets a forgotten password through the mailed link, revoking every session and mailing a notice', async () => {
    const email = address('dee');
    const { cookie: registered } = await register(app, email);
    const loggedIn = cookieOf(await passwordLogin(app, email));
    const before = await app.latestMail(email);

    const forgot = await app.post('password/forgot', { email }, app.freshIp());
    expect(forgot.status).toBe(202);
    expect(forgot.body).toMatchObject({ status: 'reset_email_sent', resendAfterSeconds: 300 });
    expect(typeof (forgot.body as { message: unknown }).message).toBe('string');

    const mail = await app.latestMail(email, before.id);
    expect(mail.subject).toBe('Reset your password');
    expect(mail.code).toBeNull();
    const link = mail.resetLink as string;
    expect(link.startsWith(`${app.httpUrl}demo/reset-password#token=`)).toBe(true);
    const url = new URL(link);
    expect(url.search).toBe('');
    const token = url.hash.slice('#token='.length);
    expect(token).toMatch(TOKEN);
    expect(mail.text).not.toContain(`?token=`);

    // Opening the link (a mail scanner, or the page checking it) consumes nothing.
    for (let i = 0; i < 2; i++) {
      const check = await app.post<{ valid: boolean; expiresAt: string }>('password/reset/check', { token });
      expect(check.status).toBe(200);
      expect(check.body.valid).toBe(true);
      expect(Date.parse(check.body.expiresAt) - Date.now()).toBeGreaterThan(59 * 60_000);
      expect(Date.parse(check.body.expiresAt) - Date.now()).toBeLessThanOrEqual(60 * 60_000);
    }

    const reset = await app.post('password/reset', { token, newPassword: OTHER_PASSWORD });
    expect(reset.status).toBe(204);
    expect(reset.body).toBeNull();
    expect(reset.headers.getSetCookie()).toEqual([]);

    expect((await app.get('session', registered)).status).toBe(401);
    expect((await app.get('session', loggedIn)).status).toBe(401);
    expect((await passwordLogin(app, email, GOOD_PASSWORD)).status).toBe(401);
    expect((await passwordLogin(app, email, OTHER_PASSWORD)).status).toBe(200);

    const notice = await app.latestMail(email, mail.id);
    expect(notice.subject).toBe('Your password was changed');
    expect(notice.code).toBeNull();
    expect(notice.resetLink).toBeNull();
  });

  it('changes the email address with a code sent to the new one, telling the old one at request and success', async () => {
    const oldEmail = address('eve');
    const newEmail = address('eve-new');
    const { cookie: used } = await register(app, oldEmail, GOOD_PASSWORD, 'Eve');
    const other = cookieOf(await passwordLogin(app, oldEmail));
    const registered = await app.latestMail(oldEmail);

    const wrongPassword = await app.post('email/change', { newEmail, currentPassword: OTHER_PASSWORD }, used);
    expect(wrongPassword.status).toBe(401);
    expect(wrongPassword.body).toMatchObject({ code: 'invalid_credentials' });

    const requested = await app.post('email/change', { newEmail, currentPassword: GOOD_PASSWORD }, used);
    expect(requested.status).toBe(202);
    expect(requested.body).toMatchObject({ status: 'code_sent', email: newEmail, codeExpiresInSeconds: 600 });

    const codeMail = await app.latestMail(newEmail);
    expect(codeMail.subject).toBe('Confirm your new email address');
    expect(codeMail.code).toMatch(/^\d{6}$/);
    const requestNotice = await app.latestMail(oldEmail, registered.id);
    expect(requestNotice.subject).toBe('Email address change requested');
    expect(requestNotice.code).toBeNull();
    expect(requestNotice.text).toContain(newEmail);

    // Nothing changes before the code is confirmed.
    expect((await app.get<SessionBody>('session', other)).body.user.email).toBe(oldEmail);

    const verified = await app.post<SessionBody>('email/change/verify', { code: codeMail.code }, used);
    expect(verified.status).toBe(200);
    expect(verified.body.user.email).toBe(newEmail);

    const successNotice = await app.latestMail(oldEmail, requestNotice.id);
    expect(successNotice.subject).toBe('Your email address was changed');
    expect(successNotice.code).toBeNull();

    const still = await app.get<SessionBody>('session', used);
    expect(still.status).toBe(200);
    expect(still.body.user.email).toBe(newEmail);
    expect((await app.get('session', other)).status).toBe(401);

    expect((await passwordLogin(app, oldEmail)).status).toBe(401);
    expect((await passwordLogin(app, newEmail)).status).toBe(200);
  });

  it('uses the bearer-token transport: no cookie, session.token in the JSON, then Authorization: Bearer', async () => {
    const email = address('fay');
    const transport = { 'x-session-transport': 'token' };
    await app.post('register', { email, password: GOOD_PASSWORD }, app.freshIp());
    const mail = await app.latestMail(email);
    const verified = await app.post<SessionBody>(
      'register/verify',
      { email, code: mail.code },
      { ...app.freshIp(), ...transport },
    );
    expect(verified.status).toBe(201);
    expect(verified.headers.getSetCookie()).toEqual([]);
    const token = verified.body.session.token as string;
    expect(token).toMatch(TOKEN);

    const bearer = { authorization: `Bearer ${token}` };
    const current = await app.get<SessionBody>('session', bearer);
    expect(current.status).toBe(200);
    expect(current.body.session.id).toBe(verified.body.session.id);
    // The token is handed out once, at issue; reading the session never repeats it.
    expect(current.body.session.token).toBeUndefined();

    const byPassword = await passwordLogin(app, email, GOOD_PASSWORD, transport);
    expect(byPassword.status).toBe(200);
    expect(byPassword.headers.getSetCookie()).toEqual([]);
    expect(byPassword.body.session.token).toMatch(TOKEN);
    expect(byPassword.body.session.token).not.toBe(token);

    const sent = await app.post('login/code', { email }, app.freshIp());
    expect(sent.status).toBe(202);
    const loginMail = await app.latestMail(email, mail.id);
    const byCode = await app.post<SessionBody>(
      'login/code/verify',
      { email, code: loginMail.code },
      { ...app.freshIp(), ...transport },
    );
    expect(byCode.status).toBe(200);
    expect(byCode.headers.getSetCookie()).toEqual([]);
    expect(byCode.body.session.token).toMatch(TOKEN);

    expect((await app.post('logout', {}, bearer)).status).toBe(204);
    expect((await app.get('session', bearer)).status).toBe(401);
    expect((await app.get('session', { authorization: `Bearer ${byCode.body.session.token}` })).status).toBe(
      200,
    );
  });
});

describe('auth flows with --auth-locale zh', () => {
  let app: AuthApp;
  beforeAll(async () => {
    app = await startAuthApp(['--auth-locale', 'zh']);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('sends Chinese mails whose code and reset link the extractor still finds', async () => {
    const email = address('zhang');
    const han = /[\u4e00-\u9fff]/;
    expect(
      (await app.post('register', { email, password: GOOD_PASSWORD, name: '张伟' }, app.freshIp())).status,
    ).toBe(202);
    const codeMail = await app.latestMail(email);
    expect(codeMail.subject).toBe('您的注册验证码');
    expect(codeMail.text).toMatch(han);
    expect(codeMail.code).toMatch(/^\d{6}$/);
    const verified = await app.post('register/verify', { email, code: codeMail.code }, app.freshIp());
    expect(verified.status).toBe(201);

    expect((await app.post('login/code', { email }, app.freshIp())).status).toBe(202);
    const loginMail = await app.latestMail(email, codeMail.id);
    expect(loginMail.subject).toBe('您的登录验证码');
    expect((await app.post('login/code/verify', { email, code: loginMail.code }, app.freshIp())).status).toBe(
      200,
    );

    expect((await app.post('password/forgot', { email }, app.freshIp())).status).toBe(202);
    const resetMail = await app.latestMail(email, loginMail.id);
    expect(resetMail.subject).toBe('重置您的密码');
    expect(resetMail.text).toMatch(han);
    const link = resetMail.resetLink as string;
    expect(link.startsWith(`${app.httpUrl}demo/reset-password#token=`)).toBe(true);
    const token = new URL(link).hash.slice('#token='.length);
    expect(
      (await app.post('password/reset', { token, newPassword: OTHER_PASSWORD }, app.freshIp())).status,
    ).toBe(204);
    expect((await app.latestMail(email, resetMail.id)).subject).toBe('您的密码已更改');
    expect((await passwordLogin(app, email, OTHER_PASSWORD)).status).toBe(200);
  });
});
