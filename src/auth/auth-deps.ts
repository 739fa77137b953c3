import type { AuthLimits } from '../config/config-types.ts';
import type { AuthStore } from '../store/auth-store.ts';
import type { AuthClock } from './auth-clock.ts';
import type { AuthLimiter } from './auth-limiter.ts';
import type { AuthMail } from './auth-mail-templates.ts';
import type { PasswordHasher } from './auth-password-hash.ts';
import type { AuthEventType } from './auth-types.ts';
import type { PasswordPolicy } from './auth-password-policy.ts';

/** Sends one rendered auth mail to a stored canonical address; rejects on any SMTP failure. */
export type AuthMailer = (to: string, mail: AuthMail) => Promise<void>;

/** What the flows need, built once by the composition root (app.ts via auth-setup.ts). */
export interface AuthDeps {
  readonly store: AuthStore;
  readonly limiter: AuthLimiter;
  readonly clock: AuthClock;
  readonly hasher: PasswordHasher;
  readonly mailer: AuthMailer;
  readonly limits: AuthLimits;
  readonly passwordPolicy: PasswordPolicy;
  readonly codeKey: string;
  /** Base of links in mail without a trailing "/" (read late: the HTTP port is bound after). */
  readonly appUrl: () => string;
}

/** The caller, as the routes saw it. */
export interface ClientContext {
  readonly ip: string;
  /** `X-Session-Transport: token`: the session token goes in the JSON body, no cookie is set. */
  readonly tokenTransport: boolean;
}

export function audit(
  deps: AuthDeps,
  type: AuthEventType,
  emailKey: string | null,
  ip: string | null,
  detail: string | null = null,
): void {
  deps.store.limits.record({ at: deps.clock.now(), type, emailKey, ip, detail });
}
