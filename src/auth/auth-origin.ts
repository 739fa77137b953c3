import type { Context, MiddlewareHandler } from 'hono';
import { AuthError } from './auth-errors.ts';
import { problem } from './auth-problem.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ALLOWED_HEADERS = 'Content-Type, Authorization, X-Session-Transport, X-Harness-Client-Ip';

/**
 * Cross-origin protection for state-changing requests, like Go's net/http.CrossOriginProtection
 * (specs/auth.md): an allowed Origin passes; otherwise a Sec-Fetch-Site other than same-origin
 * or none, or any other Origin (including "null"), is 403 forbidden_origin. Requests with
 * neither header are non-browser clients, which carry no ambient cookies, and pass. Allowed
 * origins never come from the Host header. `origins()` is read per request: the HTTP port is
 * known only after the listener is bound.
 */
export function originCheck(origins: () => ReadonlySet<string>): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && origins().has(origin)) return next();
    const site = c.req.header('sec-fetch-site');
    const crossSite = site !== undefined && site !== 'same-origin' && site !== 'none';
    if (crossSite || origin !== undefined) {
      return problem(c, new AuthError(403, 'forbidden_origin', 'this origin may not call the auth API'));
    }
    return next();
  };
}

/**
 * CORS with credentials for the frontend origins (the app URL's and --auth-allowed-origins), so
 * a sign-up page served by a dev server can call /auth with its cookie. Never `*`.
 */
export function corsForFrontends(frontends: () => ReadonlySet<string>): MiddlewareHandler {
  return async (c: Context, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && frontends().has(origin);
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      if (!allowed) return c.body(null, 204, { Vary: 'Origin' });
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'GET, POST, DELETE',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    await next();
    c.res.headers.append('Vary', 'Origin');
    if (allowed) {
      c.res.headers.set('Access-Control-Allow-Origin', origin);
      c.res.headers.set('Access-Control-Allow-Credentials', 'true');
    }
  };
}
