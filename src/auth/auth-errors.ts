import type { Refusal } from './auth-limiter.ts';

export interface FieldError {
  readonly field: string;
  readonly code: string;
}

export type AuthStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 503;

/**
 * An expected auth outcome with its HTTP status and stable code (specs/auth.md "Error codes");
 * the routes turn it into an RFC 9457 problem detail.
 */
export class AuthError extends Error {
  readonly status: AuthStatus;
  readonly code: string;
  readonly retryAfterMs: number | null;
  readonly errors: readonly FieldError[] | undefined;
  readonly attemptsRemaining: number | undefined;

  constructor(
    status: AuthStatus,
    code: string,
    detail: string,
    extra: { errors?: readonly FieldError[]; attemptsRemaining?: number; retryAfterMs?: number | null } = {},
  ) {
    super(detail);
    this.status = status;
    this.code = code;
    this.retryAfterMs = extra.retryAfterMs ?? null;
    this.errors = extra.errors;
    this.attemptsRemaining = extra.attemptsRemaining;
  }
}

export const validationFailed = (errors: readonly FieldError[]): AuthError =>
  new AuthError(400, 'validation_failed', 'the request has invalid fields', { errors });

const REFUSAL_DETAIL: Record<Refusal['code'], string> = {
  rate_limited: 'too many requests for this address or client; try again later',
  too_many_attempts: 'too many failed attempts; try again later',
};

export const refused = (refusal: Refusal): AuthError =>
  new AuthError(429, refusal.code, REFUSAL_DETAIL[refusal.code], { retryAfterMs: refusal.retryAfterMs });

export const invalidCode = (attemptsRemaining: number): AuthError =>
  new AuthError(400, 'invalid_code', 'the code is not valid', { attemptsRemaining });

export const deliveryFailed = (): AuthError =>
  new AuthError(
    503,
    'email_delivery_failed',
    'the email could not be sent; nothing was changed, try again later',
  );

export const unauthenticated = (): AuthError => new AuthError(401, 'unauthenticated', 'no valid session');

export const invalidCredentials = (): AuthError =>
  new AuthError(401, 'invalid_credentials', 'the email or password is not correct');

/**
 * Throws an error a transaction returned. Flows that record a failure in the same transaction as
 * the check return the error from it (a throw would roll the record back) and throw it here.
 */
export function orThrow<T>(value: T | AuthError): T {
  if (value instanceof AuthError) throw value;
  return value;
}
