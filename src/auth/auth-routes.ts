import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { Log } from '../log/log.ts';
import type { ClientContext } from './auth-deps.ts';
import { AuthError, unauthenticated } from './auth-errors.ts';
import { corsForFrontends, originCheck } from './auth-origin.ts';
import { authErrorHandler, problem } from './auth-problem.ts';
import { clientIp, jsonInput, text } from './auth-request.ts';
import type { AuthService } from './auth-service.ts';
import type { Authenticated, SignedIn } from './auth-session-flows.ts';
import { harnessRoutes } from './auth-harness-routes.ts';

export interface AuthRouteOptions {
  readonly service: AuthService;
  readonly log: Log;
  readonly maxBodyBytes: number;
  readonly trustProxyHops: number;
  /** Harness routes exist, and X-Harness-Client-Ip is read, only when on. */
  readonly harness: boolean;
  /** Origins whose state-changing requests pass (our own listener, the app URL, the allowed list). */
  readonly allowedOrigins: () => ReadonlySet<string>;
  /** Origins that get CORS with credentials (the app URL's and --auth-allowed-origins). */
  readonly frontendOrigins: () => ReadonlySet<string>;
}

/** `__Host-session`: HttpOnly, Secure, SameSite=Lax, Path=/ (the prefix forbids Domain). */
const COOKIE = 'session';

const emailOnly = z.object({ email: text() });
const emailAndCode = z.object({ email: text(), code: text() });

/** Thin handlers: parse, call the service, shape the answer. specs/auth.md is the contract. */
export function authRoutes(options: AuthRouteOptions): Hono {
  const { service } = options;
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    // Every /auth response, errors and unknown routes included (specs/auth.md "Endpoints").
    c.res.headers.set('Cache-Control', 'no-store');
    c.res.headers.set('Referrer-Policy', 'no-referrer');
  });
  app.use('*', corsForFrontends(options.frontendOrigins));
  app.use('*', originCheck(options.allowedOrigins));
  app.use(
    '*',
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: (c) =>
        problem(
          c,
          new AuthError(
            413,
            'payload_too_large',
            `the request body is larger than ${options.maxBodyBytes} bytes`,
          ),
        ),
    }),
  );

  const client = (c: Context): ClientContext => ({
    ip: clientIp(c, options.trustProxyHops, options.harness),
    tokenTransport: (c.req.header('x-session-transport') ?? '').trim().toLowerCase() === 'token',
  });
  const signedIn = (c: Context, result: SignedIn, status: 200 | 201, tokenTransport: boolean) => {
    if (!tokenTransport) {
      setCookie(c, COOKIE, result.token, {
        prefix: 'host',
        path: '/',
        httpOnly: true,
        secure: true,
        sameSite: 'Lax',
        maxAge: result.maxAgeSeconds,
      });
    }
    return c.json({ user: result.user, session: result.session }, status);
  };
  const session = (c: Context): Authenticated => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const auth = service.sessions.authenticate(bearer ?? getCookie(c, COOKIE, 'host') ?? null);
    if (!auth) throw unauthenticated();
    return auth;
  };

  app.post('/register', async (c) => {
    const input = await jsonInput(c, z.object({ email: text(), password: text(), name: text().nullish() }));
    return c.json(await service.mail.register(input, client(c)), 202);
  });
  app.post('/register/resend', async (c) => {
    const input = await jsonInput(c, emailOnly);
    return c.json(await service.mail.resendRegistration(input, client(c)), 202);
  });
  app.post('/register/verify', async (c) => {
    const input = await jsonInput(c, emailAndCode);
    const who = client(c);
    return signedIn(c, service.sessions.verifyRegistration(input, who), 201, who.tokenTransport);
  });
  app.post('/login/code', async (c) => {
    const input = await jsonInput(c, emailOnly);
    return c.json(await service.mail.requestLoginCode(input, client(c)), 202);
  });
  app.post('/login/code/verify', async (c) => {
    const input = await jsonInput(c, emailAndCode);
    const who = client(c);
    return signedIn(c, service.sessions.verifyLoginCode(input, who), 200, who.tokenTransport);
  });
  app.post('/login', async (c) => {
    const input = await jsonInput(c, z.object({ email: text(), password: text() }));
    const who = client(c);
    return signedIn(c, await service.sessions.login(input, who), 200, who.tokenTransport);
  });
  app.post('/password/forgot', async (c) => {
    const input = await jsonInput(c, emailOnly);
    return c.json(await service.mail.forgotPassword(input, client(c)), 202);
  });
  app.post('/password/reset/check', async (c) => {
    const input = await jsonInput(c, z.object({ token: text() }));
    return c.json(service.resets.check(input, client(c)));
  });
  app.post('/password/reset', async (c) => {
    const input = await jsonInput(c, z.object({ token: text(), newPassword: text() }));
    await service.resets.reset(input, client(c));
    return c.body(null, 204);
  });
  app.get('/session', (c) => c.json(service.sessions.describe(session(c))));
  app.post('/logout', (c) => {
    const who = client(c);
    service.sessions.logout(session(c), who.ip);
    deleteCookie(c, COOKIE, { prefix: 'host', path: '/', secure: true });
    return c.body(null, 204);
  });
  app.post('/email/change', async (c) => {
    const auth = session(c);
    const input = await jsonInput(c, z.object({ newEmail: text(), currentPassword: text() }));
    return c.json(await service.emailChange.request(input, auth, client(c)), 202);
  });
  app.post('/email/change/verify', async (c) => {
    const auth = session(c);
    const input = await jsonInput(c, z.object({ code: text() }));
    return c.json(await service.emailChange.verify(input, auth, client(c)));
  });

  if (options.harness) app.route('/_harness', harnessRoutes(service));
  app.all('*', (c) =>
    problem(c, new AuthError(404, 'not_found', `no auth route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError(authErrorHandler(options.log));
  return app;
}
