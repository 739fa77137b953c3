import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthApp, GOOD_PASSWORD, type AuthApp, type Answer } from '../helpers/auth-harness.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

/**
 * The auth API's HTTP edge (specs/auth.md "Endpoints", "Harness mode"): bodies, content types,
 * problem details, the no-store/no-referrer headers, cross-origin protection and CORS, the
 * session cookie, host-header poisoning, header injection through emails and names, the client
 * IP, and which routes exist in which mode. Real HTTP only: fetch, or node:http where fetch
 * cannot go (chunked bodies of our choosing, a forged Host header).
 */

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/**
 * One request over node:http, for what fetch forbids: a Host header of our choosing and a body
 * sent in chunks without Content-Length. The server may answer before the body is complete (413);
 * the answer wins over a broken pipe.
 */
function rawRequest(
  baseUrl: string,
  options: { method?: string; path: string; headers?: Record<string, string>; chunks?: readonly string[] },
): Promise<RawAnswer> {
  const url = new URL(options.path.replace(/^\//, ''), baseUrl);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? 'POST',
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunks = options.chunks ?? [];
    const writeNext = (i: number): void => {
      if (i >= chunks.length || req.destroyed || answered) {
        req.end();
        return;
      }
      req.write(chunks[i], () => writeNext(i + 1));
    };
    writeNext(0);
  });
}

/** Asserts an RFC 9457 problem detail with our stable code, and the headers every /auth answer has. */
function expectProblem(answer: Answer<unknown>, status: number, code: string): Record<string, unknown> {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.headers.get('cache-control')).toBe('no-store');
  expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
  const body = answer.body as Record<string, unknown>;
  expect(body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, code });
  expect(typeof body.detail).toBe('string');
  expect((body.detail as string).length).toBeGreaterThan(0);
  return body;
}

/** The same for a raw node:http answer. */
function expectRawProblem(answer: RawAnswer, status: number, code: string): Record<string, unknown> {
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expectProblem(
    { status: answer.status, headers: new Headers(answer.headers as Record<string, string>), body },
    status,
    code,
  );
  return body;
}

/** Registers and verifies an account; returns the verify answer (with its Set-Cookie). */
async function signUp(app: AuthApp, email: string, name?: string): Promise<Answer> {
  const ip = app.freshIp();
  const registered = await app.post('register', { email, password: GOOD_PASSWORD, name }, ip);
  expect(registered.status).toBe(202);
  const mail = await app.latestMail(email);
  expect(mail.code).toMatch(/^\d{6}$/);
  const verified = await app.post('register/verify', { email, code: mail.code }, ip);
  expect(verified.status).toBe(201);
  return verified;
}

interface AuditEvent {
  readonly type: string;
  readonly email: string | null;
  readonly ip: string | null;
  readonly detail: string | null;
}

/** POST /auth/password/forgot with Host and X-Forwarded-Host (plus `extra`) naming evil.example. */
function forgotFromEvilHost(app: AuthApp, email: string, extra: Record<string, string>): Promise<RawAnswer> {
  return rawRequest(app.httpUrl, {
    path: 'auth/password/forgot',
    headers: {
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      ...extra,
      'content-type': 'application/json',
      ...app.freshIp(),
    },
    chunks: [JSON.stringify({ email })],
  });
}

async function events(app: AuthApp): Promise<AuditEvent[]> {
  const res = await app.get<{ events: AuditEvent[] }>('_harness/events');
  expect(res.status).toBe(200);
  return res.body.events;
}

describe('the auth API with --auth-harness', () => {
  let app: AuthApp;
  let own127: string;
  let ownLocalhost: string;
  let counter = 0;
  /** A fresh address per request, so per-address cooldowns never couple two tests. */
  const fresh = (label = 'edge') => `${label}-${++counter}@example.com`;

  beforeAll(async () => {
    app = await startAuthApp();
    own127 = `http://127.0.0.1:${app.httpPort}`;
    ownLocalhost = `http://localhost:${app.httpPort}`;
  });
  afterAll(() => app.stop());

  describe('request bodies', () => {
    it('answers malformed JSON with 400 validation_failed naming the body', async () => {
      for (const text of ['{', '{"email":', "{'email':'a@b.co'}", '{"email":"a@b.co",}', '']) {
        const res = await app.post('login/code', text, app.freshIp());
        const body = expectProblem(res, 400, 'validation_failed');
        expect(body.errors).toEqual([{ field: 'body', code: 'json_invalid' }]);
      }
    });

    it('answers JSON that is not an object with 400 validation_failed', async () => {
      for (const text of ['[]', '[{"email":"a@b.co"}]', '"a@b.co"', '42', 'null', 'true']) {
        const res = await app.post('login/code', text, app.freshIp());
        const body = expectProblem(res, 400, 'validation_failed');
        expect(body.errors).toEqual([{ field: 'body', code: 'json_object_expected' }]);
      }
    });

    it('refuses a POST that is not application/json with 415 unsupported_media_type', async () => {
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonp',
        'text/json',
      ]) {
        const res = await app.http('auth/login/code', {
          method: 'POST',
          headers: { 'content-type': type, ...app.freshIp() },
          body: JSON.stringify({ email: fresh() }),
        });
        const body = (await res.json()) as unknown;
        expectProblem({ status: res.status, headers: res.headers, body }, 415, 'unsupported_media_type');
      }
    });

    it('refuses a POST without any Content-Type with 415, and sends no mail', async () => {
      const email = fresh('notype');
      const res = await rawRequest(app.httpUrl, {
        path: 'auth/login/code',
        headers: { 'content-length': String(Buffer.byteLength(JSON.stringify({ email }))) },
        chunks: [JSON.stringify({ email })],
      });
      expectRawProblem(res, 415, 'unsupported_media_type');
      expect(await app.mailCount(email)).toBe(0);
    });

    it('accepts application/json with parameters and in any case', async () => {
      for (const type of ['application/json; charset=utf-8', 'Application/JSON']) {
        const res = await app.http('auth/login/code', {
          method: 'POST',
          headers: { 'content-type': type, ...app.freshIp() },
          body: JSON.stringify({ email: fresh() }),
        });
        expect(res.status).toBe(202);
      }
    });

    it('refuses a body over 16 KiB with a Content-Length with 413 payload_too_large', async () => {
      const email = fresh('big');
      const body = JSON.stringify({ email, padding: 'x'.repeat(16 * 1024) });
      const res = await app.post('login/code', body, app.freshIp());
      expectProblem(res, 413, 'payload_too_large');
      expect(await app.mailCount(email)).toBe(0);
    });

    it('refuses a chunked body over 16 KiB (no Content-Length) with 413 payload_too_large', async () => {
      const email = fresh('chunked');
      const chunks = [`{"email":"${email}","padding":"`, ...Array(20).fill('y'.repeat(1024)), '"}'];
      const res = await rawRequest(app.httpUrl, {
        path: 'auth/login/code',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...app.freshIp() },
        chunks,
      });
      expectRawProblem(res, 413, 'payload_too_large');
      expect(await app.mailCount(email)).toBe(0);
    });

    it('accepts a body of exactly 16 KiB, chunked or not', async () => {
      const email = fresh('edge16k');
      const prefix = `{"email":"${email}","padding":"`;
      const padding = 'z'.repeat(16 * 1024 - prefix.length - 2);
      const body = `${prefix}${padding}"}`;
      expect(Buffer.byteLength(body)).toBe(16 * 1024);
      const res = await app.post('login/code', body, app.freshIp());
      expect(res.status).toBe(202);
      const chunked = await rawRequest(app.httpUrl, {
        path: 'auth/login/code',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...app.freshIp() },
        chunks: [`{"email":"${fresh('edge16k')}","padding":"`, padding.slice(0, 8000), '"}'],
      });
      expect(chunked.status).toBe(202);
    });

    it('never answers 500 to prototype-pollution payloads and never pollutes Object.prototype', async () => {
      const payloads = [
        (email: string) => `{"__proto__":{"admin":true},"email":"${email}"}`,
        (email: string) => `{"constructor":{"prototype":{"admin":true}},"email":"${email}"}`,
        (email: string) => `{"email":"${email}","__proto__":{"admin":true,"polluted":1}}`,
      ];
      for (const payload of payloads) {
        const email = fresh('proto');
        const res = await app.post('login/code', payload(email), app.freshIp());
        expect(res.status).toBe(202);
        expect((res.body as { email: string }).email).toBe(email);
      }
      // Register runs the most input through the service: password, name, hashing.
      const res = await app.post(
        'register',
        `{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}},"email":"${fresh('proto')}","password":"${GOOD_PASSWORD}"}`,
        app.freshIp(),
      );
      expect(res.status).toBe(202);
      // A polluted prototype as a field value is just a wrong type.
      const asValue = await app.post('login/code', '{"email":{"__proto__":{"admin":true}}}', app.freshIp());
      expect(expectProblem(asValue, 400, 'validation_failed').errors).toEqual([
        { field: 'email', code: 'invalid_type' },
      ]);
      expect(({} as Record<string, unknown>).admin).toBeUndefined();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('admin');
    });

    it('never answers 500 to deeply nested or odd JSON', async () => {
      const depth = 5000;
      const nested = `{"email":"${fresh('deep')}","x":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      expect((await app.post('login/code', nested, app.freshIp())).status).toBe(202);
      const deepValue = `{"email":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      expectProblem(await app.post('login/code', deepValue, app.freshIp()), 400, 'validation_failed');
      const bom = `\ufeff{"email":"${fresh('bom')}"}`;
      // RFC 8259 §8.1 lets a parser ignore a byte order mark; the UTF-8 decoder drops it.
      expect((await app.post('login/code', bom, app.freshIp())).status).toBe(202);
      const lone = `{"email":"${fresh('lone')}","name":"\\ud800"}`;
      expect((await app.post('login/code', lone, app.freshIp())).status).toBe(202);
      const big = `{"email":"${fresh('num')}","n":1e999999}`;
      expect((await app.post('login/code', big, app.freshIp())).status).toBe(202);
    });

    it('answers wrong field types with 400 validation_failed listing every field', async () => {
      const cases: [string, unknown, { field: string; code: string }[]][] = [
        ['login/code', { email: 42 }, [{ field: 'email', code: 'invalid_type' }]],
        ['login/code', { email: ['a@b.co'] }, [{ field: 'email', code: 'invalid_type' }]],
        ['login/code', { email: null }, [{ field: 'email', code: 'invalid_type' }]],
        ['login/code', {}, [{ field: 'email', code: 'required' }]],
        [
          'register',
          { email: true, password: 123, name: 5 },
          [
            { field: 'email', code: 'invalid_type' },
            { field: 'password', code: 'invalid_type' },
            { field: 'name', code: 'invalid_type' },
          ],
        ],
        ['login/code/verify', { email: 'a@b.co', code: 123456 }, [{ field: 'code', code: 'invalid_type' }]],
        [
          'login',
          { password: {} },
          [
            { field: 'email', code: 'required' },
            { field: 'password', code: 'invalid_type' },
          ],
        ],
        [
          'password/reset',
          { token: 1 },
          [
            { field: 'token', code: 'invalid_type' },
            { field: 'newPassword', code: 'required' },
          ],
        ],
      ];
      for (const [route, input, errors] of cases) {
        const res = await app.post(route, input, app.freshIp());
        const body = expectProblem(res, 400, 'validation_failed');
        expect(body.errors, route).toEqual(expect.arrayContaining(errors));
        expect((body.errors as unknown[]).length, route).toBe(errors.length);
      }
    });
  });

  describe('headers on every /auth response', () => {
    const expectNoStore = (headers: Headers) => {
      expect(headers.get('cache-control')).toBe('no-store');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
    };

    it('sets no-store and no-referrer on a success', async () => {
      const res = await app.post('login/code', { email: fresh() }, app.freshIp());
      expect(res.status).toBe(202);
      expectNoStore(res.headers);
    });

    it('sets them on errors: 400, 401, 415, 413', async () => {
      expectProblem(await app.post('login/code', { email: 'nope' }, app.freshIp()), 400, 'validation_failed');
      expectProblem(await app.get('session'), 401, 'unauthenticated');
      const res = await app.http('auth/login/code', { method: 'POST', body: '{}' });
      expectProblem(
        { status: res.status, headers: res.headers, body: await res.json() },
        415,
        'unsupported_media_type',
      );
      expectProblem(await app.post('login/code', 'x'.repeat(20_000)), 413, 'payload_too_large');
    });

    it('answers an unknown /auth route with a 404 problem detail carrying them', async () => {
      for (const [method, route] of [
        ['GET', 'auth/nope'],
        ['POST', 'auth/nope'],
        ['GET', 'auth/login'],
        ['DELETE', 'auth/session'],
        ['GET', 'auth'],
        ['GET', 'auth/'],
        ['POST', 'auth/login/'],
        ['PUT', 'auth/register'],
      ] as const) {
        const res = await app.http(route, { method });
        const body = (await res.json()) as unknown;
        expectProblem({ status: res.status, headers: res.headers, body }, 404, 'not_found');
      }
    });

    it('sets them on a CORS preflight', async () => {
      const res = await app.http('auth/login', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(204);
      expectNoStore(res.headers);
    });
  });

  describe('cross-origin protection', () => {
    const loginCode = (headers: Record<string, string>, email = fresh('origin')) =>
      app.post('login/code', { email }, { ...app.freshIp(), ...headers });

    it("lets our own listener's origins through, as 127.0.0.1 and as localhost", async () => {
      expect((await loginCode({ origin: own127 })).status).toBe(202);
      expect((await loginCode({ origin: ownLocalhost })).status).toBe(202);
      expect((await loginCode({ origin: own127, 'sec-fetch-site': 'same-origin' })).status).toBe(202);
    });

    it('refuses a foreign Origin with 403 forbidden_origin and sends no mail', async () => {
      for (const origin of [
        'https://evil.example',
        `http://127.0.0.1:${app.httpPort + 1}`,
        `https://127.0.0.1:${app.httpPort}`,
        `http://localhost.evil.example:${app.httpPort}`,
        `${own127}.evil.example`,
      ]) {
        const email = fresh('foreign');
        expectProblem(await loginCode({ origin }, email), 403, 'forbidden_origin');
        expect(await app.mailCount(email)).toBe(0);
      }
    });

    it('refuses Origin: null (sandboxed frames, data: URLs) with 403', async () => {
      expectProblem(await loginCode({ origin: 'null' }), 403, 'forbidden_origin');
    });

    it('refuses Sec-Fetch-Site cross-site or same-site without an Origin', async () => {
      expectProblem(await loginCode({ 'sec-fetch-site': 'cross-site' }), 403, 'forbidden_origin');
      expectProblem(await loginCode({ 'sec-fetch-site': 'same-site' }), 403, 'forbidden_origin');
    });

    it('lets Sec-Fetch-Site same-origin and none through', async () => {
      expect((await loginCode({ 'sec-fetch-site': 'same-origin' })).status).toBe(202);
      expect((await loginCode({ 'sec-fetch-site': 'none' })).status).toBe(202);
    });

    it('lets a request with neither header through (curl, scripts)', async () => {
      expect((await loginCode({})).status).toBe(202);
    });

    it('guards every state-changing route, logout and the harness included', async () => {
      const headers = { origin: 'https://evil.example' };
      for (const route of [
        'register',
        'login',
        'login/code/verify',
        'password/reset',
        'logout',
        'email/change',
      ]) {
        expectProblem(await app.post(route, {}, headers), 403, 'forbidden_origin');
      }
      expectProblem(await app.post('_harness/reset', {}, headers), 403, 'forbidden_origin');
    });

    it('does not guard GET /auth/session, which changes nothing', async () => {
      const res = await app.get('session', {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      });
      expectProblem(res, 401, 'unauthenticated');
    });

    it('never takes the allowed origin from the Host header', async () => {
      const res = await rawRequest(app.httpUrl, {
        path: 'auth/login/code',
        headers: {
          host: 'evil.example',
          origin: 'http://evil.example',
          'x-forwarded-host': 'evil.example',
          'content-type': 'application/json',
          ...app.freshIp(),
        },
        chunks: [JSON.stringify({ email: fresh('host') })],
      });
      expectRawProblem(res, 403, 'forbidden_origin');
    });

    it('gives no CORS headers to a foreign origin, not even on a preflight', async () => {
      const preflight = await app.http('auth/login', {
        method: 'OPTIONS',
        headers: {
          origin: 'https://evil.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const res = await app.get('session', { origin: 'https://evil.example' });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('reset links and the Host header', () => {
    it('builds the link from our own URL whatever Host, X-Forwarded-Host and Forwarded say', async () => {
      const email = fresh('poison');
      await signUp(app, email);
      const before = await app.latestMail(email);
      const res = await forgotFromEvilHost(app, email, {
        'x-forwarded-proto': 'https',
        forwarded: 'for=1.2.3.4;host=evil.example;proto=https',
      });
      expect(res.status).toBe(202);
      const mail = await app.latestMail(email, before.id);
      expect(mail.resetLink).toMatch(
        new RegExp(`^${own127.replace(/\./g, '\\.')}/demo/reset-password#token=[A-Za-z0-9_-]{43}$`),
      );
      const raw = await (await app.http(`api/v1/message/${mail.id}/raw`)).text();
      expect(raw).not.toContain('evil.example');
    });
  });

  describe('the session cookie', () => {
    /** Splits a Set-Cookie line into its name=value and attributes (names lower-cased). */
    const parseCookie = (line: string) => {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      return {
        name: pair.slice(0, eq),
        value: pair.slice(eq + 1),
        attributes: new Map(
          attributes.map((a) => {
            const i = a.indexOf('=');
            return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
          }),
        ),
      };
    };

    it('is __Host-session with HttpOnly, Secure, SameSite=Lax, Path=/, Max-Age and no Domain', async () => {
      const verified = await signUp(app, fresh('cookie'));
      const lines = verified.headers.getSetCookie();
      expect(lines).toHaveLength(1);
      const cookie = parseCookie(lines[0] ?? '');
      expect(cookie.name).toBe('__Host-session');
      expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect([...cookie.attributes.keys()].sort()).toEqual([
        'httponly',
        'max-age',
        'path',
        'samesite',
        'secure',
      ]);
      expect(cookie.attributes.get('path')).toBe('/');
      expect(cookie.attributes.get('samesite')).toBe('Lax');
      expect(cookie.attributes.get('max-age')).toBe(String(24 * 60 * 60));
      expect(cookie.attributes.has('domain')).toBe(false);
      expect(JSON.stringify(verified.body)).not.toContain(cookie.value);
    });

    it('is set the same way by a password login, which works with the cookie', async () => {
      const email = fresh('cookie');
      await signUp(app, email);
      const login = await app.post('login', { email, password: GOOD_PASSWORD }, app.freshIp());
      expect(login.status).toBe(200);
      const cookie = parseCookie(login.headers.getSetCookie()[0] ?? '');
      expect(cookie.name).toBe('__Host-session');
      expect(cookie.attributes.get('samesite')).toBe('Lax');
      const session = await app.get('session', { cookie: `__Host-session=${cookie.value}` });
      expect(session.status).toBe(200);
      expect(session.headers.getSetCookie()).toEqual([]);
    });

    it('is cleared by logout, and the session is gone server-side', async () => {
      const verified = await signUp(app, fresh('logout'));
      const cookie = parseCookie(verified.headers.getSetCookie()[0] ?? '');
      const header = { cookie: `__Host-session=${cookie.value}` };
      expect((await app.get('session', header)).status).toBe(200);
      const logout = await app.post('logout', {}, header);
      expect(logout.status).toBe(204);
      const cleared = parseCookie(logout.headers.getSetCookie()[0] ?? '');
      expect(cleared.name).toBe('__Host-session');
      expect(cleared.value).toBe('');
      expect(cleared.attributes.get('max-age')).toBe('0');
      expect(cleared.attributes.get('path')).toBe('/');
      expect(cleared.attributes.has('secure')).toBe(true);
      expect(cleared.attributes.has('domain')).toBe(false);
      expectProblem(await app.get('session', header), 401, 'unauthenticated');
    });

    it('is not set for X-Session-Transport: token, which gets the token in JSON', async () => {
      const email = fresh('token');
      await signUp(app, email);
      const login = await app.post<{ session: { token?: string } }>(
        'login',
        { email, password: GOOD_PASSWORD },
        { ...app.freshIp(), 'x-session-transport': 'token' },
      );
      expect(login.status).toBe(200);
      expect(login.headers.getSetCookie()).toEqual([]);
      expect(login.body.session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });
  });

  describe('header injection and look-alikes in emails and names', () => {
    it('refuses CR/LF header injection in the email on every mail route, mailing no one', async () => {
      const injections = [
        'a@b.co\r\nBcc: victim@y.z',
        'a@b.co\nBcc: victim@y.z',
        'a@b.co\rBcc: victim@y.z',
        'a@b.co%0d%0aBcc: victim@y.z',
        'a@b.co\u0000victim@y.z',
        'a@b.co,victim@y.z',
        'a@b.co>\r\nRCPT TO:<victim@y.z',
        '"a\r\nb"@b.co',
      ];
      for (const email of injections) {
        for (const [route, extra] of [
          ['register', { password: GOOD_PASSWORD }],
          ['register/resend', {}],
          ['login/code', {}],
          ['password/forgot', {}],
        ] as const) {
          const res = await app.post(route, { email, ...extra }, app.freshIp());
          const body = expectProblem(res, 400, 'validation_failed');
          expect(body.errors, `${route} ${JSON.stringify(email)}`).toEqual([
            { field: 'email', code: 'email_invalid' },
          ]);
        }
      }
      expect(await app.mailCount('victim@y.z')).toBe(0);
    });

    it('refuses fullwidth and Cyrillic look-alike addresses', async () => {
      for (const email of [
        '\uff41dmin@example.com', // fullwidth a
        'admin\uff20example.com', // fullwidth @
        '\u0430dmin@example.com', // Cyrillic а
        'admin@ex\u0430mple.com', // Cyrillic а in the domain
        'admin@example.c\u043em', // Cyrillic о in the TLD
        'admin@xn--exmple-cua.com\u200b', // zero-width space
        'adm\u0131n@example.com', // dotless i
      ]) {
        const res = await app.post('login/code', { email }, app.freshIp());
        expect(expectProblem(res, 400, 'validation_failed').errors, email).toEqual([
          { field: 'email', code: 'email_invalid' },
        ]);
      }
    });

    it('escapes a name with <script> in the mailed HTML and never puts it in a header', async () => {
      const email = fresh('xss');
      const name = 'Mallory<script>alert("x")</script>&Co';
      const res = await app.post('register', { email, password: GOOD_PASSWORD, name }, app.freshIp());
      expect(res.status).toBe(202);
      const mail = await app.latestMail(email);
      const message = (await (await app.http(`api/v1/message/${mail.id}`)).json()) as {
        HTML: string;
        Text: string;
      };
      expect(message.HTML).toContain('Mallory&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;Co');
      expect(message.HTML).not.toContain('<script');
      expect(message.Text).toContain(name);
      const raw = await (await app.http(`api/v1/message/${mail.id}/raw`)).text();
      const headerBlock = raw.slice(0, raw.search(/\r?\n\r?\n/));
      expect(headerBlock).toMatch(/^Subject:/im);
      expect(headerBlock).not.toMatch(/mallory|script/i);
      expect(headerBlock).not.toMatch(/=\?utf-8\?/i);
    });

    it('keeps a name with line breaks out of every header', async () => {
      const email = fresh('crlfname');
      const res = await app.post(
        'register',
        { email, password: GOOD_PASSWORD, name: 'Eve\r\nBcc: victim@y.z' },
        app.freshIp(),
      );
      expect(expectProblem(res, 400, 'validation_failed').errors).toEqual([
        { field: 'name', code: 'name_invalid' },
      ]);
      expect(await app.mailCount(email)).toBe(0);
      expect(await app.mailCount('victim@y.z')).toBe(0);
    });

    it('refuses a name with a bidi override or isolate', async () => {
      for (const name of ['Bob\u202Egnp.exe', '\u2067Alice', 'Carol\u200F', 'Dan\u2028Smith']) {
        const res = await app.post(
          'register',
          { email: fresh('bidi'), password: GOOD_PASSWORD, name },
          app.freshIp(),
        );
        expect(expectProblem(res, 400, 'validation_failed').errors, JSON.stringify(name)).toEqual([
          { field: 'name', code: 'name_invalid' },
        ]);
      }
    });
  });

  describe('the client IP', () => {
    /** The IP a failed password login was recorded with in the audit trail. */
    const loggedIp = async (headers: Record<string, string>): Promise<string | null> => {
      const email = fresh('ip');
      const res = await app.post('login', { email, password: GOOD_PASSWORD }, headers);
      expectProblem(res, 401, 'invalid_credentials');
      const found = (await events(app)).filter((e) => e.type === 'login_failed' && e.email === email);
      expect(found).toHaveLength(1);
      return found[0]?.ip ?? null;
    };

    it('ignores X-Forwarded-For by default and uses the socket address', async () => {
      const ip = await loggedIp({ 'x-forwarded-for': '203.0.113.9' });
      expect(ip).toMatch(/127\.0\.0\.1$/);
    });

    it('honours X-Harness-Client-Ip in harness mode', async () => {
      expect(await loggedIp({ 'x-harness-client-ip': '198.51.100.23' })).toBe('198.51.100.23');
    });

    it('refuses an X-Harness-Client-Ip that is not an IP address', async () => {
      const res = await app.post('login/code', { email: fresh() }, { 'x-harness-client-ip': 'not-an-ip' });
      expect(expectProblem(res, 400, 'validation_failed').errors).toEqual([
        { field: 'X-Harness-Client-Ip', code: 'ip_invalid' },
      ]);
    });

    it('keeps per-IP limits apart per simulated client IP', async () => {
      const ip = app.freshIp();
      for (let i = 0; i < 5; i++)
        expect((await app.post('login/code', { email: fresh() }, ip)).status).toBe(202);
      const limited = await app.post('login/code', { email: fresh() }, ip);
      const body = expectProblem(limited, 429, 'rate_limited');
      expect(body.retryAfterSeconds).toBeGreaterThan(0);
      expect(limited.headers.get('retry-after')).toBe(String(body.retryAfterSeconds));
      expect((await app.post('login/code', { email: fresh() }, app.freshIp())).status).toBe(202);
    });
  });

  describe('the audit trail', () => {
    it('lists code_issued, code_failed, login_failed and mail_failed events', async () => {
      const email = fresh('audit');
      const ip = { 'x-harness-client-ip': '192.0.2.77' };
      expect((await app.post('login/code', { email }, ip)).status).toBe(202);
      expectProblem(await app.post('login/code/verify', { email, code: '000000' }, ip), 400, 'invalid_code');
      expectProblem(
        await app.post('login', { email, password: GOOD_PASSWORD }, ip),
        401,
        'invalid_credentials',
      );
      const failing = fresh('audit');
      await app.chaos({ Data: { ErrorCode: 451, Next: 1 } });
      try {
        expectProblem(await app.post('login/code', { email: failing }, ip), 503, 'email_delivery_failed');
      } finally {
        await app.chaos({});
      }
      const trail = await events(app);
      const mine = trail.filter((e) => e.email === email || e.email === failing);
      expect(mine.map((e) => e.type)).toEqual(['code_issued', 'code_failed', 'login_failed', 'mail_failed']);
      expect(mine.every((e) => e.ip === '192.0.2.77')).toBe(true);
      expect(mine[3]?.email).toBe(failing);
      // The trail never holds a code or a password.
      expect(JSON.stringify(trail)).not.toContain(GOOD_PASSWORD);
    });
  });

  describe('the harness routes', () => {
    it('reads, moves, sets, freezes and resets the clock', async () => {
      const read = await app.get<{ now: string; offsetMs: number; frozen: boolean }>('_harness/clock');
      expect(read.status).toBe(200);
      expect(read.body.offsetMs).toBe(0);
      expect(read.body.frozen).toBe(false);
      expect(Math.abs(Date.parse(read.body.now) - Date.now())).toBeLessThan(5000);
      try {
        const moved = await app.post<{ offsetMs: number; now: string }>('_harness/clock', {
          advanceMs: 3_600_000,
        });
        expect(moved.status).toBe(200);
        expect(moved.body.offsetMs).toBe(3_600_000);
        const set = await app.post<{ now: string }>('_harness/clock', { set: '2030-01-02T03:04:05.000Z' });
        expect(set.body.now.slice(0, 16)).toBe('2030-01-02T03:04');
        const frozen = await app.post<{ frozen: boolean }>('_harness/clock', { frozen: true });
        expect(frozen.body.frozen).toBe(true);
        expectProblem(await app.post('_harness/clock', { set: 'not a time' }), 400, 'validation_failed');
        expectProblem(
          await app.post('_harness/clock', { advanceMs: 1, frozen: true }),
          400,
          'validation_failed',
        );
      } finally {
        const reset = await app.http('auth/_harness/clock', { method: 'DELETE' });
        expect(reset.status).toBe(200);
        const body = (await reset.json()) as { offsetMs: number; frozen: boolean };
        expect(body).toMatchObject({ offsetMs: 0, frozen: false });
      }
    });

    it('wipes auth state and the audit trail with POST /auth/_harness/reset', async () => {
      const email = fresh('wipe');
      await signUp(app, email);
      expect((await events(app)).length).toBeGreaterThan(0);
      const res = await app.post('_harness/reset', {});
      expect(res.status).toBe(204);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await events(app)).toEqual([]);
      expectProblem(
        await app.post('login', { email, password: GOOD_PASSWORD }, app.freshIp()),
        401,
        'invalid_credentials',
      );
    });
  });
});

describe('the auth API with --auth-app-url and --auth-allowed-origins', () => {
  let app: AuthApp;
  const FRONTEND = 'http://localhost:5173';

  beforeAll(async () => {
    app = await startAuthApp(['--auth-app-url', 'https://app.example/', '--auth-allowed-origins', FRONTEND]);
  });
  afterAll(() => app.stop());

  it('answers an allowed frontend with CORS credentials headers echoing its origin, never *', async () => {
    const res = await app.post(
      'login/code',
      { email: 'cors-1@example.com' },
      { ...app.freshIp(), origin: FRONTEND },
    );
    expect(res.status).toBe(202);
    expect(res.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('vary')).toMatch(/\bOrigin\b/i);
    const error = await app.post('login/code', { email: 'nope' }, { ...app.freshIp(), origin: FRONTEND });
    expectProblem(error, 400, 'validation_failed');
    expect(error.headers.get('access-control-allow-origin')).toBe(FRONTEND);
  });

  it('answers its preflight with 204, the methods and the headers it may send', async () => {
    const res = await app.http('auth/login', {
      method: 'OPTIONS',
      headers: {
        origin: FRONTEND,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-session-transport',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(res.headers.get('access-control-allow-methods')).toMatch(/\bPOST\b/);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'authorization', 'x-session-transport']));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('lets the app URL origin through and refuses other ports of the allowed host', async () => {
    const app0 = await app.post(
      'login/code',
      { email: 'cors-2@example.com' },
      { ...app.freshIp(), origin: 'https://app.example' },
    );
    expect(app0.status).toBe(202);
    expect(app0.headers.get('access-control-allow-origin')).toBe('https://app.example');
    for (const origin of ['http://localhost:5174', 'https://localhost:5173', 'http://app.example', 'null']) {
      const res = await app.post('login/code', { email: 'cors-3@example.com' }, { ...app.freshIp(), origin });
      expectProblem(res, 403, 'forbidden_origin');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('lets an allowed origin through even with Sec-Fetch-Site cross-site', async () => {
    const res = await app.post(
      'login/code',
      { email: 'cors-4@example.com' },
      { ...app.freshIp(), origin: FRONTEND, 'sec-fetch-site': 'cross-site' },
    );
    expect(res.status).toBe(202);
  });

  it('mails reset links at https://app.example/reset-password#token=…, whatever the Host', async () => {
    const email = 'appurl@example.com';
    await signUp(app, email);
    const before = await app.latestMail(email);
    const res = await forgotFromEvilHost(app, email, { forwarded: 'host=evil.example;proto=http' });
    expect(res.status).toBe(202);
    const mail = await app.latestMail(email, before.id);
    expect(mail.resetLink).toMatch(/^https:\/\/app\.example\/reset-password#token=[A-Za-z0-9_-]{43}$/);
  });
});

describe('the auth API with --trust-proxy-hops 1', () => {
  let app: AuthApp;

  beforeAll(async () => {
    app = await startAuthApp(['--trust-proxy-hops', '1']);
  });
  afterAll(() => app.stop());

  it('takes the client IP from the rightmost X-Forwarded-For entry', async () => {
    const cases: [string | undefined, RegExp][] = [
      ['203.0.113.9', /^203\.0\.113\.9$/],
      ['198.51.100.1, 203.0.113.10', /^203\.0\.113\.10$/],
      ['not-an-ip', /127\.0\.0\.1$/],
      [undefined, /127\.0\.0\.1$/],
    ];
    for (const [i, [forwarded, expected]] of cases.entries()) {
      const email = `hop-${i}@example.com`;
      const headers: Record<string, string> = forwarded === undefined ? {} : { 'x-forwarded-for': forwarded };
      expectProblem(
        await app.post('login', { email, password: GOOD_PASSWORD }, headers),
        401,
        'invalid_credentials',
      );
      const found = (await events(app)).find((e) => e.type === 'login_failed' && e.email === email);
      expect(found?.ip, String(forwarded)).toMatch(expected);
    }
  });
});

describe('the auth API without --auth-harness, with --ui-auth-file', () => {
  let app: TestApp;
  let folder: string;
  const basic = { authorization: `Basic ${Buffer.from('ui:secret-password').toString('base64')}` };

  const post = async (route: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await app.http(`auth/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : null };
  };

  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'catchall-edges-'));
    const file = path.join(folder, 'ui-users');
    writeFileSync(file, 'ui:secret-password\n');
    app = await startTestApp(['--ui-auth-file', file]);
  });
  afterAll(async () => {
    await app.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('does not put /auth behind basic auth, while the inbox API stays behind it', async () => {
    expect((await app.http('api/v1/messages')).status).toBe(401);
    expect((await app.http('api/v1/messages', { headers: basic })).status).toBe(200);
    const res = await post('password/reset/check', { token: 'no-such-token' });
    expect(res.status).toBe(400);
    expect((res.body as { code: string }).code).toBe('invalid_token');
    const session = await app.http('auth/session');
    expect(session.status).toBe(401);
    expect(session.headers.get('www-authenticate')).toBeNull();
    expect(((await session.json()) as { code: string }).code).toBe('unauthenticated');
  });

  it('has no harness routes', async () => {
    for (const [method, route] of [
      ['GET', 'auth/_harness/clock'],
      ['POST', 'auth/_harness/clock'],
      ['DELETE', 'auth/_harness/clock'],
      ['POST', 'auth/_harness/reset'],
      ['GET', 'auth/_harness/events'],
    ] as const) {
      const res = await app.http(route, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify({ advanceMs: 1000 }) } : {}),
      });
      const body = (await res.json()) as unknown;
      expectProblem({ status: res.status, headers: res.headers, body }, 404, 'not_found');
    }
  });

  it('ignores X-Harness-Client-Ip (and X-Forwarded-For): every request counts against the socket IP', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await post(
        'login/code',
        { email: `noharness-${i}@example.com` },
        { 'x-harness-client-ip': `10.9.8.${i}`, 'x-forwarded-for': `203.0.113.${i}` },
      );
      expect(res.status).toBe(202);
    }
    const limited = await post(
      'login/code',
      { email: 'noharness-5@example.com' },
      { 'x-harness-client-ip': '10.9.8.200', 'x-forwarded-for': '203.0.113.200' },
    );
    expect(limited.status).toBe(429);
    expect((limited.body as { code: string }).code).toBe('rate_limited');
  });

  it('does not refuse a malformed X-Harness-Client-Ip: the header is not read at all', async () => {
    const res = await post(
      'login',
      { email: 'x@example.com', password: GOOD_PASSWORD },
      { 'x-harness-client-ip': 'bogus' },
    );
    expect(res.status).toBe(401);
    expect((res.body as { code: string }).code).toBe('invalid_credentials');
  });
});

describe('catchall with --no-auth', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(['--no-auth']);
  });
  afterAll(() => app.stop());

  it('has no /auth routes while the inbox API works', async () => {
    const post = await app.http('auth/login/code', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'off@example.com' }),
    });
    expect(post.status).toBe(404);
    expect((await app.http('auth/session')).status).toBe(404);
    expect((await app.http('auth/_harness/clock')).status).toBe(404);
    const list = await app.http('api/v1/messages');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { messages_count: number }).messages_count).toBe(0);
  });
});
