import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GOOD_PASSWORD,
  OTHER_PASSWORD,
  startAuthApp,
  type Answer,
  type AuthApp,
} from '../helpers/auth-harness.ts';

/**
 * The hard cases of specs/auth.md, through real HTTP and real SMTP: enumeration, brute force,
 * per-IP limits, password throttles, expiry, single use, binding, races and write-after-send.
 * Time-dependent cases freeze the harness clock, so every Retry-After is exact.
 */

type Headers = Record<string, string>;
type Body = Record<string, unknown>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let seq = 0;
/** A fresh address per call; none is a substring of another, so `to:` searches stay apart. */
const address = (who: string) => `${who}.${++seq}.${process.pid}@example.test`;

/** Another code of the same shape that is certainly wrong. */
const wrong = (code: string) => code.slice(0, -1) + String((Number(code.slice(-1)) + 1) % 10);

function cookieOf(res: Answer<unknown>): Headers {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
  if (!set) throw new Error(`no session cookie in ${res.status} ${JSON.stringify(res.body)}`);
  return { cookie: set.split(';')[0] as string };
}

/** Asserts an RFC 9457 problem with this status and code; returns its Retry-After (checked against the body). */
function expectProblem(res: Answer, status: number, code: string): number | null {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const header = res.headers.get('retry-after');
  const seconds = header === null ? null : Number(header);
  expect(res.body.retryAfterSeconds ?? null).toBe(seconds);
  return seconds;
}

/** The token of a reset link (it travels in the fragment). */
const tokenOf = (link: string | null) => new URL(link as string).hash.slice('#token='.length);

/** Helpers bound to one running app. */
function helpers(get: () => AuthApp) {
  const h = {
    freeze: async () => {
      const res = await get().post('_harness/clock', { frozen: true });
      expect(res.status).toBe(200);
    },
    /** Registers and verifies an account; returns its session cookie. */
    register: async (email: string, password = GOOD_PASSWORD): Promise<Headers> => {
      const app = get();
      expect((await app.post('register', { email, password }, app.freshIp())).status).toBe(202);
      const mail = await app.latestMail(email);
      const verified = await app.post('register/verify', { email, code: mail.code }, app.freshIp());
      expect(verified.status).toBe(201);
      return cookieOf(verified);
    },
    /** A pending registration (code mailed, never verified). */
    pending: async (email: string): Promise<string> => {
      const app = get();
      expect((await app.post('register', { email, password: GOOD_PASSWORD }, app.freshIp())).status).toBe(
        202,
      );
      return (await app.latestMail(email)).code as string;
    },
    /** Requests a login code and reads it from the newest mail after `after`. */
    loginCode: async (email: string, ip: Headers = get().freshIp()) => {
      const app = get();
      const before = (await app.mailCount(email)) > 0 ? (await app.latestMail(email)).id : undefined;
      expect((await app.post('login/code', { email }, ip)).status).toBe(202);
      return (await app.latestMail(email, before)).code as string;
    },
    /** Requests a reset link; returns its token. */
    resetToken: async (email: string): Promise<string> => {
      const app = get();
      const before = (await app.mailCount(email)) > 0 ? (await app.latestMail(email)).id : undefined;
      expect((await app.post('password/forgot', { email }, app.freshIp())).status).toBe(202);
      return tokenOf((await app.latestMail(email, before)).resetLink);
    },
    verifyLogin: (email: string, code: string, ip: Headers = get().freshIp()) =>
      get().post('login/code/verify', { email, code }, ip),
    login: (email: string, password: string, ip: Headers = get().freshIp()) =>
      get().post('login', { email, password }, ip),
  };
  return h;
}

describe('account security with the default limits', () => {
  let app: AuthApp;
  const h = helpers(() => app);
  beforeAll(async () => {
    app = await startAuthApp();
  });
  afterAll(async () => {
    await app.stop();
  });
  beforeEach(async () => {
    await app.resetAuth();
  });

  describe('account enumeration', () => {
    afterEach(async () => {
      await app.chaos({});
    });

    /** A known account, a pending registration, and a maker of never-seen addresses. */
    async function threeAddresses() {
      await h.freeze();
      const known = address('known');
      const pending = address('pending');
      await h.register(known);
      await h.pending(pending);
      await app.advance(301 * SECOND); // past every cooldown of the setup
      return { known, pending };
    }

    const ENDPOINTS = [
      { path: 'register', body: (email: string) => ({ email, password: OTHER_PASSWORD }) },
      { path: 'login/code', body: (email: string) => ({ email }) },
      { path: 'password/forgot', body: (email: string) => ({ email }) },
    ];

    /** Status and body, with the echoed address checked and then set aside. */
    const shape = (res: Answer, email: string) => {
      const { email: echoed, ...rest } = res.body ?? {};
      if (echoed !== undefined) expect(echoed).toBe(email);
      return { status: res.status, body: rest, retryAfter: res.headers.get('retry-after') };
    };

    it('answers register, login/code and password/forgot identically for a known, an unknown and a pending address, and never 409', async () => {
      const { known, pending } = await threeAddresses();
      for (const endpoint of ENDPOINTS) {
        const unknown = address('unknown');
        const answers = [];
        for (const email of [known, unknown, pending]) {
          const res = await app.post(endpoint.path, endpoint.body(email), app.freshIp());
          expect(res.status).toBe(202);
          answers.push(shape(res, email));
        }
        expect(answers[1]).toEqual(answers[0]);
        expect(answers[2]).toEqual(answers[0]);
      }
    });

    it('throttles a known, an unknown and a pending address the same way', async () => {
      const { known, pending } = await threeAddresses();
      for (const endpoint of ENDPOINTS) {
        const unknown = address('unknown');
        const answers = [];
        for (const email of [known, unknown, pending]) {
          expect((await app.post(endpoint.path, endpoint.body(email), app.freshIp())).status).toBe(202);
          const again = await app.post(endpoint.path, endpoint.body(email), app.freshIp());
          expectProblem(again, 429, 'rate_limited');
          answers.push(shape(again, email));
        }
        expect(answers[0]?.retryAfter).toBe(endpoint.path === 'password/forgot' ? '300' : '60');
        expect(answers[1]).toEqual(answers[0]);
        expect(answers[2]).toEqual(answers[0]);
      }
    });

    it('answers an SMTP failure identically for a known, an unknown and a pending address, with no SMTP detail', async () => {
      const { known, pending } = await threeAddresses();
      const answers: unknown[] = [];
      for (const fault of [{ Data: { ErrorCode: 451, Next: 1 } }, { Connect: { ErrorCode: 421, Next: 1 } }]) {
        for (const endpoint of ENDPOINTS) {
          for (const email of [known, address('unknown'), pending]) {
            await app.chaos(fault);
            const res = await app.post(endpoint.path, endpoint.body(email), app.freshIp());
            expectProblem(res, 503, 'email_delivery_failed');
            const text = JSON.stringify(res.body);
            expect(text).not.toMatch(/smtp|chaos|451|421|127\.0\.0\.1|localhost|example\.test/i);
            expect(text).not.toContain(String(app.smtpPort));
            answers.push(res.body);
          }
        }
      }
      for (const body of answers) expect(body).toEqual(answers[0]);
    });

    it('sends notices without any code or link to addresses that cannot use one', async () => {
      const { known, pending } = await threeAddresses();
      const unknown = address('unknown');
      const cases = [
        {
          path: 'register',
          body: { email: known, password: OTHER_PASSWORD },
          to: known,
          subject: 'You already have an account',
        },
        { path: 'login/code', body: { email: unknown }, to: unknown, subject: 'No account for this address' },
        { path: 'login/code', body: { email: pending }, to: pending, subject: 'No account for this address' },
        { path: 'password/forgot', body: { email: unknown }, to: unknown, subject: 'Password reset request' },
        { path: 'password/forgot', body: { email: pending }, to: pending, subject: 'Password reset request' },
        {
          path: 'register/resend',
          body: { email: unknown },
          to: unknown,
          subject: 'No registration to complete',
        },
      ];
      for (const c of cases) {
        const before = (await app.mailCount(c.to)) > 0 ? (await app.latestMail(c.to)).id : undefined;
        expect((await app.post(c.path, c.body, app.freshIp())).status).toBe(202);
        const mail = await app.latestMail(c.to, before);
        expect({ subject: mail.subject, code: mail.code, link: mail.resetLink }).toEqual({
          subject: c.subject,
          code: null,
          link: null,
        });
        expect(mail.text).not.toMatch(/\d{6}/);
      }
    });

    it('answers a wrong password, an unknown address and a pending account with the same 401', async () => {
      const { known, pending } = await threeAddresses();
      const answers = [];
      for (const [email, password] of [
        [known, OTHER_PASSWORD],
        [address('unknown'), GOOD_PASSWORD],
        [pending, GOOD_PASSWORD],
      ] as const) {
        const res = await h.login(email, password);
        expectProblem(res, 401, 'invalid_credentials');
        answers.push(res.body);
      }
      expect(answers[1]).toEqual(answers[0]);
      expect(answers[2]).toEqual(answers[0]);
    });

    it('counts wrong codes for an unknown address exactly like for a known one', async () => {
      const { known } = await threeAddresses();
      const unknown = address('unknown');
      const knownCode = await h.loginCode(known);
      expect((await app.post('login/code', { email: unknown }, app.freshIp())).status).toBe(202);
      for (let remaining = 4; remaining >= 0; remaining--) {
        const forKnown = await h.verifyLogin(known, wrong(knownCode));
        const forUnknown = await h.verifyLogin(unknown, wrong(knownCode));
        expectProblem(forKnown, 400, 'invalid_code');
        expect(forKnown.body.attemptsRemaining).toBe(remaining);
        expect(forUnknown.body).toEqual(forKnown.body);
      }
      expect((await h.verifyLogin(unknown, knownCode)).body).toEqual(
        (await h.verifyLogin(known, knownCode)).body,
      );
    });

    it('mails the stored address, not the text typed into the form', async () => {
      const cookie = await h.register(`Mixed.Case.${++seq}@Example.test`);
      const stored = ((await app.get('session', cookie)).body.user as { email: string }).email;
      expect(stored).toMatch(/^Mixed\.Case\./);
      const typed = stored.toUpperCase();
      expect((await app.post('login/code', { email: typed }, app.freshIp())).status).toBe(202);
      const mail = await app.latestMail(stored);
      expect(mail.subject).toBe('Your sign-in code');
      const message = (await app.json(`api/v1/message/${mail.id}`)) as { To: { Address: string }[] };
      expect(message.To.map((t) => t.Address)).toEqual([stored]);
      expect((await h.verifyLogin(typed, mail.code as string)).status).toBe(200);
    });
  });

  describe('code brute force', () => {
    it('answers the 5th wrong try with attemptsRemaining 0 and deletes the code: later tries, even the right code, get code_attempts_exhausted', async () => {
      const email = address('guess');
      await h.register(email);
      const code = await h.loginCode(email);
      const ip = app.freshIp();
      for (let remaining = 4; remaining >= 0; remaining--) {
        const res = await h.verifyLogin(email, wrong(code), ip);
        expectProblem(res, 400, 'invalid_code');
        expect(res.body.attemptsRemaining).toBe(remaining);
      }
      for (const attempt of [code, wrong(code)]) {
        const res = await h.verifyLogin(email, attempt, ip);
        expect(expectProblem(res, 429, 'code_attempts_exhausted')).toBeNull();
        expect(res.headers.getSetCookie()).toEqual([]);
      }
    });

    it('spends no attempt on a malformed code', async () => {
      const email = address('malformed');
      await h.register(email);
      const code = await h.loginCode(email);
      const ip = app.freshIp();
      for (const bad of ['12345', '1234567', 'abcdef', ' 12 34 ', '１２３４５６']) {
        const res = await h.verifyLogin(email, bad, ip);
        expectProblem(res, 400, 'validation_failed');
        expect(res.body.errors).toEqual([{ field: 'code', code: 'code_malformed' }]);
      }
      const first = await h.verifyLogin(email, wrong(code), ip);
      expect(first.body.attemptsRemaining).toBe(4);
      expect((await h.verifyLogin(email, code, ip)).status).toBe(200);
    });

    it('refuses code checks after 10 failures in a rolling hour, even for a new code, until the hour has passed', async () => {
      await h.freeze();
      const email = address('hourly');
      await h.register(email);
      const first = await h.loginCode(email);
      for (let i = 0; i < 5; i++)
        expectProblem(await h.verifyLogin(email, wrong(first)), 400, 'invalid_code');
      await app.advance(61 * SECOND);
      const second = await h.loginCode(email);
      for (let i = 0; i < 5; i++)
        expectProblem(await h.verifyLogin(email, wrong(second)), 400, 'invalid_code');
      await app.advance(61 * SECOND);
      const third = await h.loginCode(email);
      const refused = await h.verifyLogin(email, third);
      // The oldest failure leaves the window one hour after it was made: 122 s have passed.
      expect(expectProblem(refused, 429, 'too_many_attempts')).toBe(3600 - 122);
      await app.advance((3600 - 122 - 1) * SECOND);
      expectProblem(await h.verifyLogin(email, wrong(third)), 429, 'too_many_attempts');
      await app.advance(1 * SECOND);
      const fresh = await h.loginCode(email);
      expect((await h.verifyLogin(email, fresh)).status).toBe(200);
    });

    it('disables code login after 100 consecutive failed checks until a password login', async () => {
      await h.freeze();
      const email = address('hundred');
      await h.register(email);
      for (let hour = 0; hour < 10; hour++) {
        const ip = app.freshIp();
        for (let i = 0; i < 10; i++)
          expectProblem(await h.verifyLogin(email, '000000', ip), 400, 'invalid_code');
        expectProblem(await h.verifyLogin(email, '000000', ip), 429, 'too_many_attempts');
        await app.advance(HOUR);
      }
      const code = await h.loginCode(email);
      const refused = await h.verifyLogin(email, code);
      expect(expectProblem(refused, 429, 'too_many_attempts')).toBeNull();
      await app.advance(DAY);
      expect(expectProblem(await h.verifyLogin(email, code), 429, 'too_many_attempts')).toBeNull();

      expect((await h.login(email, GOOD_PASSWORD)).status).toBe(200);
      await app.advance(61 * SECOND);
      expect((await h.verifyLogin(email, await h.loginCode(email))).status).toBe(200);
    });
  });

  describe('per-IP limits', () => {
    it('gives each client IP a bucket of 5 mail-sending requests, then rate_limited with Retry-After until it refills', async () => {
      await h.freeze();
      const ip = app.freshIp();
      const requests: [string, (email: string) => Body][] = [
        ['register', (email) => ({ email, password: GOOD_PASSWORD })],
        ['login/code', (email) => ({ email })],
        ['password/forgot', (email) => ({ email })],
        ['register/resend', (email) => ({ email })],
        ['login/code', (email) => ({ email })],
      ];
      for (const [path, body] of requests)
        expect((await app.post(path, body(address('bucket')), ip)).status).toBe(202);
      const sixth = await app.post('password/forgot', { email: address('bucket') }, ip);
      // 30 per hour: one token every 120 s.
      expect(expectProblem(sixth, 429, 'rate_limited')).toBe(120);
      expect((await app.post('login/code', { email: address('other-ip') }, app.freshIp())).status).toBe(202);

      await app.advance(119 * SECOND);
      expect(
        expectProblem(await app.post('login/code', { email: address('bucket') }, ip), 429, 'rate_limited'),
      ).toBe(1);
      await app.advance(1 * SECOND);
      expect((await app.post('login/code', { email: address('bucket') }, ip)).status).toBe(202);
      expectProblem(await app.post('login/code', { email: address('bucket') }, ip), 429, 'rate_limited');
    });

    it('caps mails per address at 10 per 24 hours across purposes', async () => {
      await h.freeze();
      const email = address('daily');
      for (let i = 0; i < 10; i++) {
        expect((await app.post('login/code', { email }, app.freshIp())).status).toBe(202);
        await app.advance(61 * SECOND);
      }
      const capped = await app.post('password/forgot', { email }, app.freshIp());
      expect(expectProblem(capped, 429, 'rate_limited')).toBe(24 * 3600 - 610);
      expect(await app.mailCount(email)).toBe(10);
      await app.advance((24 * 3600 - 610) * SECOND);
      expect((await app.post('password/forgot', { email }, app.freshIp())).status).toBe(202);
    });

    it('allows 30 code checks per IP in 5 minutes, then refuses even a right code from that IP', async () => {
      await h.freeze();
      const email = address('ipcheck');
      await h.register(email);
      const code = await h.loginCode(email);
      const ip = app.freshIp();
      for (let i = 0; i < 30; i++) {
        expectProblem(await h.verifyLogin(address('spray'), '123456', ip), 400, 'invalid_code');
      }
      expect(expectProblem(await h.verifyLogin(email, code, ip), 429, 'too_many_attempts')).toBe(300);
      await app.advance(299 * SECOND);
      expectProblem(await h.verifyLogin(email, code, ip), 429, 'too_many_attempts');
      await app.advance(1 * SECOND);
      expect((await h.verifyLogin(email, code, ip)).status).toBe(200);
    });

    it('blocks the login endpoints for 10 minutes after 10 failed password logins from one IP', async () => {
      await h.freeze();
      const email = address('ipblock');
      await h.register(email);
      let code = await h.loginCode(email);
      const ip = app.freshIp();
      for (let i = 0; i < 10; i++) {
        expectProblem(await h.login(address('spray'), GOOD_PASSWORD, ip), 401, 'invalid_credentials');
      }
      expect(expectProblem(await h.login(email, GOOD_PASSWORD, ip), 429, 'too_many_attempts')).toBe(600);
      expect(expectProblem(await h.verifyLogin(email, code, ip), 429, 'too_many_attempts')).toBe(600);
      expect((await h.login(email, GOOD_PASSWORD)).status).toBe(200);

      await app.advance(10 * MINUTE - SECOND);
      expectProblem(await h.login(email, GOOD_PASSWORD, ip), 429, 'too_many_attempts');
      await app.advance(SECOND);
      expect((await h.login(email, GOOD_PASSWORD, ip)).status).toBe(200);
      code = await h.loginCode(email); // the first one has expired meanwhile
      expect((await h.verifyLogin(email, code, ip)).status).toBe(200);
    });

    it('counts only consecutive failures per IP: a success starts the count again', async () => {
      const email = address('streak');
      await h.register(email);
      const ip = app.freshIp();
      for (let i = 0; i < 9; i++)
        expect((await h.login(address('spray'), GOOD_PASSWORD, ip)).status).toBe(401);
      expect((await h.login(email, GOOD_PASSWORD, ip)).status).toBe(200);
      for (let i = 0; i < 9; i++)
        expect((await h.login(address('spray'), GOOD_PASSWORD, ip)).status).toBe(401);
      expect((await h.login(email, GOOD_PASSWORD, ip)).status).toBe(200);
    });

    it('refuses reset tokens from an IP after 10 invalid ones in 15 minutes, even a valid token', async () => {
      await h.freeze();
      const email = address('tokens');
      await h.register(email);
      const token = await h.resetToken(email);
      const ip = app.freshIp();
      const bogus = ['short', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, 'x'.repeat(43)];
      for (let i = 0; i < 10; i++) {
        const path = i % 2 === 0 ? 'password/reset/check' : 'password/reset';
        const res = await app.post(path, { token: bogus[i % 3], newPassword: OTHER_PASSWORD }, ip);
        expectProblem(res, 400, 'invalid_token');
      }
      expect(
        expectProblem(await app.post('password/reset/check', { token }, ip), 429, 'too_many_attempts'),
      ).toBe(900);
      const elsewhere = await app.post('password/reset/check', { token }, app.freshIp());
      expect(elsewhere.status).toBe(200);
      await app.advance(15 * MINUTE - SECOND);
      expectProblem(
        await app.post('password/reset', { token, newPassword: OTHER_PASSWORD }, ip),
        429,
        'too_many_attempts',
      );
      await app.advance(SECOND);
      expect((await app.post('password/reset', { token, newPassword: OTHER_PASSWORD }, ip)).status).toBe(204);
    });
  });

  describe('password login throttle', () => {
    async function fiveFailures(email: string) {
      for (let i = 0; i < 5; i++)
        expectProblem(await h.login(email, OTHER_PASSWORD), 401, 'invalid_credentials');
    }

    it('refuses a login inside the wait without checking the password, then accepts the right one after it', async () => {
      await h.freeze();
      const email = address('wait');
      await h.register(email);
      await fiveFailures(email);
      // The right password is refused too: it was never checked.
      expect(expectProblem(await h.login(email, GOOD_PASSWORD), 429, 'too_many_attempts')).toBe(1);
      expect(expectProblem(await h.login(email, OTHER_PASSWORD), 429, 'too_many_attempts')).toBe(1);
      await app.advance(999);
      expectProblem(await h.login(email, GOOD_PASSWORD), 429, 'too_many_attempts');
      await app.advance(1);
      const ok = await h.login(email, GOOD_PASSWORD);
      expect(ok.status).toBe(200);
      // The success cleared the count: a new failure is not throttled.
      expect((await h.login(email, OTHER_PASSWORD)).status).toBe(401);
      expect((await h.login(email, GOOD_PASSWORD)).status).toBe(200);
    });

    it('doubles the wait with each further failure, keyed on the normalised address whatever its case', async () => {
      await h.freeze();
      const email = address('grow');
      await h.register(email);
      await fiveFailures(email.toUpperCase());
      for (const wait of [1, 2, 4, 8, 16]) {
        expect(expectProblem(await h.login(email, GOOD_PASSWORD), 429, 'too_many_attempts')).toBe(wait);
        await app.advance(wait * SECOND);
        expectProblem(await h.login(email, OTHER_PASSWORD), 401, 'invalid_credentials');
      }
      expect(expectProblem(await h.login(email, GOOD_PASSWORD), 429, 'too_many_attempts')).toBe(30);
    });

    it('throttles an address with no account exactly the same way', async () => {
      await h.freeze();
      const email = address('ghost');
      await fiveFailures(email);
      expect(expectProblem(await h.login(email, GOOD_PASSWORD), 429, 'too_many_attempts')).toBe(1);
    });

    it('locks the address after 100 consecutive failures, without Retry-After, until a password reset', async () => {
      await h.freeze();
      const email = address('locked');
      await h.register(email);
      const waits = [1, 2, 4, 8, 16, 30, 60, 180, 300];
      for (let failure = 1; failure <= 100; failure++) {
        if (failure > 5) await app.advance((waits[Math.min(failure - 6, 8)] as number) * SECOND);
        expectProblem(await h.login(email, OTHER_PASSWORD), 401, 'invalid_credentials');
      }
      await app.advance(DAY);
      const refused = await h.login(email, GOOD_PASSWORD);
      expect(expectProblem(refused, 429, 'too_many_attempts')).toBeNull();

      const token = await h.resetToken(email);
      const newPassword = 'harbor-quartz-meadow-19';
      expect((await app.post('password/reset', { token, newPassword }, app.freshIp())).status).toBe(204);
      expect((await h.login(email, newPassword)).status).toBe(200);
    });
  });

  describe('expiry on the harness clock', () => {
    beforeEach(async () => {
      await h.freeze();
    });

    it('accepts a code just before its 10 minutes are up', async () => {
      const email = address('early');
      await h.register(email);
      const code = await h.loginCode(email);
      await app.advance(10 * MINUTE - 1);
      expect((await h.verifyLogin(email, code)).status).toBe(200);
    });

    it('answers code_expired for the right code just after 10 minutes, and invalid_code for a wrong one', async () => {
      const email = address('late');
      await h.register(email);
      const code = await h.loginCode(email);
      await app.advance(10 * MINUTE + 1);
      expectProblem(await h.verifyLogin(email, wrong(code)), 400, 'invalid_code');
      expectProblem(await h.verifyLogin(email, code), 400, 'code_expired');
      expectProblem(await h.verifyLogin(email, code), 400, 'invalid_code');
    });

    it('expires a registration code after 10 minutes too', async () => {
      const email = address('slowpoke');
      const code = await h.pending(email);
      await app.advance(10 * MINUTE + 1);
      expectProblem(await app.post('register/verify', { email, code }, app.freshIp()), 400, 'code_expired');
      expectProblem(await h.login(email, GOOD_PASSWORD), 401, 'invalid_credentials');
    });

    it('keeps a reset link valid for 60 minutes, then answers token_expired and changes nothing', async () => {
      const email = address('link');
      await h.register(email);
      const token = await h.resetToken(email);
      await app.advance(60 * MINUTE - 1);
      expect((await app.post('password/reset/check', { token })).status).toBe(200);
      await app.advance(2);
      expectProblem(await app.post('password/reset/check', { token }), 400, 'token_expired');
      expectProblem(
        await app.post('password/reset', { token, newPassword: OTHER_PASSWORD }),
        400,
        'token_expired',
      );
      expect((await h.login(email, GOOD_PASSWORD)).status).toBe(200);
    });

    it('ends a session after 60 idle minutes, and each use slides that deadline', async () => {
      const email = address('idle');
      const cookie = await h.register(email);
      await app.advance(60 * MINUTE - 1);
      expect((await app.get('session', cookie)).status).toBe(200);
      await app.advance(60 * MINUTE - 1);
      expect((await app.get('session', cookie)).status).toBe(200);
      await app.advance(60 * MINUTE + 1);
      expectProblem(await app.get('session', cookie), 401, 'unauthenticated');
      // Gone for good, even if the clock were to go back.
      await app.advance(-2 * MINUTE);
      expectProblem(await app.get('session', cookie), 401, 'unauthenticated');
    });

    it('ends a session 24 hours after sign-in however often it is used', async () => {
      const email = address('absolute');
      const cookie = await h.register(email);
      let elapsed = 0;
      while (elapsed + 50 * MINUTE < DAY) {
        await app.advance(50 * MINUTE);
        elapsed += 50 * MINUTE;
        expect((await app.get('session', cookie)).status).toBe(200);
      }
      await app.advance(DAY - 1 - elapsed);
      const last = await app.get<{ session: { expiresAt: string; idleExpiresAt: string } }>(
        'session',
        cookie,
      );
      expect(last.status).toBe(200);
      expect(last.body.session.idleExpiresAt).toBe(last.body.session.expiresAt);
      await app.advance(1);
      expectProblem(await app.get('session', cookie), 401, 'unauthenticated');
    });
  });

  describe('single use, supersession and binding', () => {
    it('accepts a login code once', async () => {
      const email = address('once');
      await h.register(email);
      const code = await h.loginCode(email);
      expect((await h.verifyLogin(email, code)).status).toBe(200);
      expectProblem(await h.verifyLogin(email, code), 400, 'invalid_code');
    });

    it('accepts a registration code once', async () => {
      const email = address('once-reg');
      const code = await h.pending(email);
      expect((await app.post('register/verify', { email, code }, app.freshIp())).status).toBe(201);
      expectProblem(await app.post('register/verify', { email, code }, app.freshIp()), 400, 'invalid_code');
    });

    it('accepts a reset token once; afterwards even checking it says invalid_token', async () => {
      const email = address('once-token');
      await h.register(email);
      const token = await h.resetToken(email);
      expect((await app.post('password/reset', { token, newPassword: OTHER_PASSWORD })).status).toBe(204);
      expectProblem(
        await app.post('password/reset', { token, newPassword: 'harbor-quartz-meadow-19' }),
        400,
        'invalid_token',
      );
      expectProblem(await app.post('password/reset/check', { token }), 400, 'invalid_token');
      expect((await h.login(email, OTHER_PASSWORD)).status).toBe(200);
    });

    it('replaces the password and code of a pending registration when the address registers again', async () => {
      await h.freeze();
      const email = address('reregister');
      const old = await h.pending(email);
      await app.advance(61 * SECOND);
      const first = await app.latestMail(email);
      expect((await app.post('register', { email, password: OTHER_PASSWORD }, app.freshIp())).status).toBe(
        202,
      );
      const fresh = (await app.latestMail(email, first.id)).code as string;
      expect(fresh).not.toBe(old);
      expectProblem(
        await app.post('register/verify', { email, code: old }, app.freshIp()),
        400,
        'invalid_code',
      );
      expect((await app.post('register/verify', { email, code: fresh }, app.freshIp())).status).toBe(201);
      expect((await h.login(email, GOOD_PASSWORD)).status).toBe(401);
      expect((await h.login(email, OTHER_PASSWORD)).status).toBe(200);
    });

    it('invalidates a registration code when another is sent', async () => {
      await h.freeze();
      const email = address('resend');
      const old = await h.pending(email);
      await app.advance(61 * SECOND);
      const first = await app.latestMail(email);
      expect((await app.post('register/resend', { email }, app.freshIp())).status).toBe(202);
      const fresh = (await app.latestMail(email, first.id)).code as string;
      expect(fresh).not.toBe(old);
      expectProblem(
        await app.post('register/verify', { email, code: old }, app.freshIp()),
        400,
        'invalid_code',
      );
      expect((await app.post('register/verify', { email, code: fresh }, app.freshIp())).status).toBe(201);
    });

    it('invalidates a login code when another is sent', async () => {
      await h.freeze();
      const email = address('relogin');
      await h.register(email);
      const old = await h.loginCode(email);
      await app.advance(61 * SECOND);
      const fresh = await h.loginCode(email);
      expect(fresh).not.toBe(old);
      expectProblem(await h.verifyLogin(email, old), 400, 'invalid_code');
      expect((await h.verifyLogin(email, fresh)).status).toBe(200);
    });

    it('invalidates a reset link when another is sent', async () => {
      await h.freeze();
      const email = address('relink');
      await h.register(email);
      const old = await h.resetToken(email);
      await app.advance(301 * SECOND);
      const fresh = await h.resetToken(email);
      expectProblem(await app.post('password/reset/check', { token: old }), 400, 'invalid_token');
      expectProblem(
        await app.post('password/reset', { token: old, newPassword: OTHER_PASSWORD }),
        400,
        'invalid_token',
      );
      expect((await app.post('password/reset', { token: fresh, newPassword: OTHER_PASSWORD })).status).toBe(
        204,
      );
    });

    it('binds codes to their purpose: a registration code does not sign in, a sign-in code does not register', async () => {
      const pendingEmail = address('purpose-reg');
      const registerCode = await h.pending(pendingEmail);
      expectProblem(await h.verifyLogin(pendingEmail, registerCode), 400, 'invalid_code');
      // The failed sign-in attempt did not consume the registration code.
      expect(
        (await app.post('register/verify', { email: pendingEmail, code: registerCode }, app.freshIp()))
          .status,
      ).toBe(201);

      const known = address('purpose-login');
      await h.register(known);
      const loginCode = await h.loginCode(known);
      expectProblem(
        await app.post('register/verify', { email: known, code: loginCode }, app.freshIp()),
        400,
        'invalid_code',
      );
      expect((await h.verifyLogin(known, loginCode)).status).toBe(200);
    });

    it('binds codes to their address: a code for one address does not work for another', async () => {
      const a = address('bind-a');
      const b = address('bind-b');
      await h.register(a);
      await h.register(b);
      const codeA = await h.loginCode(a);
      const codeB = await h.loginCode(b);
      expect(codeA).not.toBe(codeB);
      expectProblem(await h.verifyLogin(b, codeA), 400, 'invalid_code');
      expect((await h.verifyLogin(a, codeA)).status).toBe(200);
      expect((await h.verifyLogin(b, codeB)).status).toBe(200);
    });

    it('lets exactly one of several concurrent submissions of one code succeed', async () => {
      const email = address('race-code');
      await h.register(email);
      const code = await h.loginCode(email);
      const answers = await Promise.all(Array.from({ length: 4 }, () => h.verifyLogin(email, code)));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400]);
      for (const a of answers.filter((a) => a.status === 400)) expect(a.body.code).toBe('invalid_code');

      const pendingEmail = address('race-reg');
      const registerCode = await h.pending(pendingEmail);
      const registered = await Promise.all(
        Array.from({ length: 3 }, () =>
          app.post('register/verify', { email: pendingEmail, code: registerCode }, app.freshIp()),
        ),
      );
      expect(registered.map((a) => a.status).sort()).toEqual([201, 400, 400]);
    });

    it('never lets concurrent wrong codes take more than 5 tries', async () => {
      const email = address('race-guess');
      await h.register(email);
      const code = await h.loginCode(email);
      const answers = await Promise.all(Array.from({ length: 8 }, () => h.verifyLogin(email, wrong(code))));
      const invalid = answers
        .filter((a) => a.body.code === 'invalid_code')
        .map((a) => a.body.attemptsRemaining);
      expect(invalid.sort()).toEqual([0, 1, 2, 3, 4]);
      expect(answers.filter((a) => a.body.code === 'code_attempts_exhausted')).toHaveLength(3);
      expectProblem(await h.verifyLogin(email, code), 429, 'code_attempts_exhausted');
    });

    it('never lets concurrent wrong passwords outrun the login throttle', async () => {
      await h.freeze();
      const email = address('race-password');
      await h.register(email);
      const answers = await Promise.all(Array.from({ length: 9 }, () => h.login(email, OTHER_PASSWORD)));
      expect(answers.map((a) => a.status).sort()).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429]);
      expect(expectProblem(await h.login(email, GOOD_PASSWORD), 429, 'too_many_attempts')).toBe(1);
    });

    it('sends one mail for concurrent requests inside one cooldown', async () => {
      const email = address('race-mail');
      const answers = await Promise.all(
        Array.from({ length: 3 }, () => app.post('login/code', { email }, app.freshIp())),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([202, 429, 429]);
      await app.latestMail(email);
      expect(await app.mailCount(email)).toBe(1);
    });

    it('lets exactly one of two concurrent resets with one token succeed', async () => {
      const email = address('race-token');
      await h.register(email);
      const token = await h.resetToken(email);
      const passwords = [OTHER_PASSWORD, 'harbor-quartz-meadow-19'];
      const answers = await Promise.all(
        passwords.map((newPassword) => app.post('password/reset', { token, newPassword }, app.freshIp())),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([204, 400]);
      const winner = answers.findIndex((a) => a.status === 204);
      expect(answers[1 - winner]?.body.code).toBe('invalid_token');
      expect((await h.login(email, passwords[winner] as string)).status).toBe(200);
      expect((await h.login(email, passwords[1 - winner] as string)).status).toBe(401);
    });

    it('revokes every session, code and login throttle of the account on reset', async () => {
      await h.freeze();
      const email = address('revoke');
      const cookie = await h.register(email);
      const bearerLogin = await app.post<{ session: { token: string } }>(
        'login',
        { email, password: GOOD_PASSWORD },
        { ...app.freshIp(), 'x-session-transport': 'token' },
      );
      const bearer = { authorization: `Bearer ${bearerLogin.body.session.token}` };
      const code = await h.loginCode(email);
      const token = await h.resetToken(email);
      for (let i = 0; i < 5; i++) expect((await h.login(email, OTHER_PASSWORD)).status).toBe(401);
      expectProblem(await h.login(email, GOOD_PASSWORD), 429, 'too_many_attempts');

      const newPassword = 'harbor-quartz-meadow-19';
      expect((await app.post('password/reset', { token, newPassword })).status).toBe(204);
      expectProblem(await app.get('session', cookie), 401, 'unauthenticated');
      expectProblem(await app.get('session', bearer), 401, 'unauthenticated');
      expectProblem(await h.verifyLogin(email, code), 400, 'invalid_code');
      // Throttles cleared: no wait although the clock has not moved.
      expect((await h.login(email, newPassword)).status).toBe(200);
    });

    it('checks the new password policy before the token, so a weak password consumes nothing', async () => {
      const email = address('policy');
      await h.register(email);
      const token = await h.resetToken(email);
      const weak = await app.post('password/reset', { token, newPassword: 'password' });
      expectProblem(weak, 400, 'validation_failed');
      expect(weak.body.errors).toEqual([{ field: 'newPassword', code: 'password_too_short' }]);
      expect((await app.post('password/reset/check', { token })).status).toBe(200);
      expect((await app.post('password/reset', { token, newPassword: OTHER_PASSWORD })).status).toBe(204);
    });
  });

  describe('email change', () => {
    const change = (cookie: Headers, newEmail: string) =>
      app.post('email/change', { newEmail, currentPassword: GOOD_PASSWORD }, { ...cookie, ...app.freshIp() });

    it('answers a change to a taken address like any other, mailing the taken address a notice without a code', async () => {
      const taken = address('taken');
      await h.register(taken);
      const takenMail = await app.latestMail(taken);
      const cookie = await h.register(address('mover'));
      const free = address('free');
      const toFree = await change(cookie, free);
      const cookie2 = await h.register(address('mover2'));
      const toTaken = await change(cookie2, taken);
      expect(toTaken.status).toBe(202);
      const { email: e1, ...rest1 } = toFree.body;
      const { email: e2, ...rest2 } = toTaken.body;
      expect([e1, e2]).toEqual([free, taken]);
      expect(rest2).toEqual(rest1);

      const notice = await app.latestMail(taken, takenMail.id);
      expect({ subject: notice.subject, code: notice.code }).toEqual({
        subject: 'Email address not available',
        code: null,
      });
      // Whatever code is tried, the phantom never matches, and the account keeps its address.
      const guess = await app.post('email/change/verify', { code: '123456' }, cookie2);
      expectProblem(guess, 400, 'invalid_code');
      expect(guess.body.attemptsRemaining).toBe(4);
    });

    it('answers 409 email_unavailable when the new address was taken before the code was confirmed', async () => {
      const cookie = await h.register(address('slow-mover'));
      const wanted = address('contested');
      expect((await change(cookie, wanted)).status).toBe(202);
      const code = (await app.latestMail(wanted)).code as string;
      await h.register(wanted);
      const late = await app.post('email/change/verify', { code }, cookie);
      expectProblem(late, 409, 'email_unavailable');
      expect((await app.get<{ user: { email: string } }>('session', cookie)).body.user.email).not.toBe(
        wanted,
      );
    });

    it('binds an email-change code to the account that asked for it', async () => {
      const asker = await h.register(address('asker'));
      const other = await h.register(address('bystander'));
      const target = address('target');
      expect((await change(asker, target)).status).toBe(202);
      const code = (await app.latestMail(target)).code as string;
      expectProblem(await app.post('email/change/verify', { code }, other), 400, 'invalid_code');
      expect((await app.post('email/change/verify', { code }, asker)).status).toBe(200);
    });
  });

  describe('write after a successful send', () => {
    afterEach(async () => {
      await app.chaos({});
    });

    it('keeps the earlier sign-in code valid and the cooldown free when the SMTP server refuses the new mail', async () => {
      await h.freeze();
      const email = address('smtp-login');
      await h.register(email);
      const earlier = await h.loginCode(email);
      await app.advance(61 * SECOND);
      const mails = await app.mailCount(email);
      await app.chaos({ Data: { ErrorCode: 451, Next: 1 } });
      const failed = await app.post('login/code', { email }, app.freshIp());
      expectProblem(failed, 503, 'email_delivery_failed');
      expect(JSON.stringify(failed.body)).not.toMatch(/smtp|chaos|451|127\.0\.0\.1/i);
      expect(await app.mailCount(email)).toBe(mails);
      expect((await h.verifyLogin(email, earlier)).status).toBe(200);
      // The cooldown slot was given back: an immediate retry is allowed and sends a working code.
      const retried = await h.loginCode(email);
      expect((await h.verifyLogin(email, retried)).status).toBe(200);
    });

    it('persists no registration when its mail fails, and releases the cooldown', async () => {
      const email = address('smtp-register');
      await app.chaos({ Connect: { ErrorCode: 421, Next: 1 } });
      expectProblem(
        await app.post('register', { email, password: GOOD_PASSWORD }, app.freshIp()),
        503,
        'email_delivery_failed',
      );
      expect(await app.mailCount(email)).toBe(0);
      // No pending row: an immediate resend finds nothing to complete.
      expect((await app.post('register/resend', { email }, app.freshIp())).status).toBe(202);
      const mail = await app.latestMail(email);
      expect({ subject: mail.subject, code: mail.code }).toEqual({
        subject: 'No registration to complete',
        code: null,
      });
    });

    it('keeps the pending password and code when a re-registration mail fails', async () => {
      await h.freeze();
      const email = address('smtp-reregister');
      const code = await h.pending(email);
      await app.advance(61 * SECOND);
      await app.chaos({ Data: { ErrorCode: 554, Next: 1 } });
      expectProblem(
        await app.post('register', { email, password: OTHER_PASSWORD }, app.freshIp()),
        503,
        'email_delivery_failed',
      );
      expect((await app.post('register/verify', { email, code }, app.freshIp())).status).toBe(201);
      expect((await h.login(email, GOOD_PASSWORD)).status).toBe(200);
      expect((await h.login(email, OTHER_PASSWORD)).status).toBe(401);
    });

    it('keeps the earlier reset link valid when the new one cannot be sent', async () => {
      await h.freeze();
      const email = address('smtp-reset');
      await h.register(email);
      const earlier = await h.resetToken(email);
      await app.advance(301 * SECOND);
      await app.chaos({ Data: { ErrorCode: 451, Next: 1 } });
      expectProblem(
        await app.post('password/forgot', { email }, app.freshIp()),
        503,
        'email_delivery_failed',
      );
      expect((await app.post('password/reset/check', { token: earlier })).status).toBe(200);
      const fresh = await h.resetToken(email);
      expectProblem(await app.post('password/reset/check', { token: earlier }), 400, 'invalid_token');
      expect((await app.post('password/reset', { token: fresh, newPassword: OTHER_PASSWORD })).status).toBe(
        204,
      );
    });
  });
});

describe('code login lockout with --auth-code-lockout 3', () => {
  let app: AuthApp;
  const h = helpers(() => app);
  beforeAll(async () => {
    app = await startAuthApp(['--auth-code-lockout', '3']);
  });
  afterAll(async () => {
    await app.stop();
  });
  beforeEach(async () => {
    await app.resetAuth();
    await h.freeze();
  });

  async function lockOut(email: string): Promise<string> {
    const code = await h.loginCode(email);
    for (const remaining of [4, 3, 2]) {
      const res = await h.verifyLogin(email, wrong(code));
      expectProblem(res, 400, 'invalid_code');
      expect(res.body.attemptsRemaining).toBe(remaining);
    }
    return code;
  }

  it('refuses even the right code after 3 consecutive failures, with no Retry-After, until a password login', async () => {
    const email = address('lock-pw');
    await h.register(email);
    const code = await lockOut(email);
    expect(expectProblem(await h.verifyLogin(email, code), 429, 'too_many_attempts')).toBeNull();
    await app.advance(2 * HOUR);
    const later = await h.loginCode(email);
    expect(expectProblem(await h.verifyLogin(email, later), 429, 'too_many_attempts')).toBeNull();

    expect((await h.login(email, GOOD_PASSWORD)).status).toBe(200);
    expect((await h.verifyLogin(email, later)).status).toBe(200);
  });

  it('re-enables code login after a password reset', async () => {
    const email = address('lock-reset');
    await h.register(email);
    await lockOut(email);
    const token = await h.resetToken(email);
    expect((await app.post('password/reset', { token, newPassword: OTHER_PASSWORD })).status).toBe(204);
    await app.advance(61 * SECOND);
    expect((await h.verifyLogin(email, await h.loginCode(email))).status).toBe(200);
  });

  it('counts only consecutive failures: a code login starts the count again', async () => {
    const email = address('lock-streak');
    await h.register(email);
    const first = await h.loginCode(email);
    for (let i = 0; i < 2; i++) expectProblem(await h.verifyLogin(email, wrong(first)), 400, 'invalid_code');
    expect((await h.verifyLogin(email, first)).status).toBe(200);
    await app.advance(61 * SECOND);
    const second = await h.loginCode(email);
    for (let i = 0; i < 2; i++) expectProblem(await h.verifyLogin(email, wrong(second)), 400, 'invalid_code');
    expect((await h.verifyLogin(email, second)).status).toBe(200);
  });
});
