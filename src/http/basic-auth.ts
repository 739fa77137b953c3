import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

/** Whether an Authorization header carries one of the users (compared in constant time). */
export function checkBasicAuth(header: string | undefined, users: ReadonlyMap<string, string>): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const expected = users.get(decoded.slice(0, colon));
  // Hash both sides so the comparison takes the same time whatever the lengths or the user.
  const given = createHash('sha256')
    .update(decoded.slice(colon + 1))
    .digest();
  const wanted = createHash('sha256')
    .update(expected ?? '\u0000no-such-user')
    .digest();
  return timingSafeEqual(given, wanted) && expected !== undefined;
}

/**
 * --ui-auth-file: basic auth on everything but the health probes (Mailpit's behaviour) and the
 * auth API, whose callers are the app under test (it has its own sessions and Authorization use).
 * An `open` entry ending in "*" is a path prefix.
 */
export function basicAuth(users: ReadonlyMap<string, string>, open: readonly string[]): MiddlewareHandler {
  const isOpen = (path: string) =>
    open.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p));
  return async (c, next) => {
    if (isOpen(c.req.path) || checkBasicAuth(c.req.header('authorization'), users)) return next();
    c.header('WWW-Authenticate', 'Basic realm="catchall"');
    return c.json({ Error: 'authentication required', Code: 'unauthorized' }, 401);
  };
}
