import type { Context } from 'hono';
import type { Log } from '../log/log.ts';
import { AuthError } from './auth-errors.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * An RFC 9457 problem detail: `type` about:blank with the status's title (RFC 9457 §4.2.1), our
 * stable `code`, a human `detail`, and `retryAfterSeconds` plus the Retry-After header where
 * relevant. SMTP replies, hosts, codes and tokens never appear in it.
 */
export function problem(c: Context, error: AuthError): Response {
  const retryAfterSeconds =
    error.retryAfterMs === null ? undefined : Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  const body = {
    type: 'about:blank',
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.attemptsRemaining !== undefined ? { attemptsRemaining: error.attemptsRemaining } : {}),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
  const headers: Record<string, string> = { 'Content-Type': 'application/problem+json' };
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  return c.body(JSON.stringify(body), error.status, headers);
}

/** The auth API's onError: expected errors keep their code; anything else is a generic 500. */
export function authErrorHandler(log: Log) {
  return (error: Error, c: Context): Response => {
    if (error instanceof AuthError) return problem(c, error);
    log.error(`${c.req.method} ${c.req.path} failed`, error);
    return problem(
      c,
      new AuthError(500, 'internal_error', 'something went wrong; nothing secret was exposed'),
    );
  };
}
