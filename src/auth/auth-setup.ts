import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import type { Config } from '../config/config-types.ts';
import { STANDARD_SCRYPT_LN } from '../config/config-auth.ts';
import type { Log } from '../log/log.ts';
import { smtpSender, type SmtpTarget } from '../outbound/smtp-sender.ts';
import { AuthStore } from '../store/auth-store.ts';
import { AdjustableClock } from './auth-clock.ts';
import { AuthLimiter } from './auth-limiter.ts';
import { renderAuthMail } from './auth-mail-templates.ts';
import { PasswordHasher } from './auth-password-hash.ts';
import { authRoutes } from './auth-routes.ts';
import { newCodeKey } from './auth-secrets.ts';
import { AuthService } from './auth-service.ts';

export interface AuthParts {
  readonly config: Config;
  readonly log: Log;
  readonly databaseFile: string;
  readonly temporaryDatabase: boolean;
  /** The embedded sink's plain SMTP port (auth mail goes there unless --auth-smtp-url). */
  readonly smtpPort: number;
  /** This server's HTTP base URL ending in "/", known once the listener is bound. */
  readonly httpUrl: () => string;
  /** The bound HTTP port (for the allowed origins http://127.0.0.1:PORT and localhost:PORT). */
  readonly httpPort: () => number;
}

export interface AuthApi {
  readonly routes: Hono;
  readonly service: AuthService;
  close(): void;
}

/** Builds the auth API from the config: store, clock, limiter, hasher, mailer, routes. */
export function startAuth(parts: AuthParts): AuthApi {
  const { config, log } = parts;
  const auth = config.auth;
  const store = new AuthStore(parts.databaseFile, parts.temporaryDatabase);
  const clock = new AdjustableClock();
  const hasher = new PasswordHasher(auth.scryptLn, auth.harness ? 1 : STANDARD_SCRYPT_LN);
  const send = smtpSender(auth.smtpUrl ? urlTarget(config) : sinkTarget(config, parts.smtpPort));
  const appUrl = () => auth.appUrl ?? `${parts.httpUrl()}demo`;
  const service = new AuthService({
    store,
    clock,
    hasher,
    limiter: new AuthLimiter(store.limits, auth.limits, clock),
    limits: auth.limits,
    passwordPolicy: { minLength: auth.limits.passwordMin, maxLength: auth.limits.passwordMax },
    codeKey: auth.codeKey ?? codeKeyFor(parts.databaseFile, parts.temporaryDatabase, log),
    appUrl,
    mailer: async (to, mail) => {
      const rendered = renderAuthMail(auth.locale, mail);
      await send({ from: auth.mailFrom, to, ...rendered });
    },
  });
  // Built at the first request: the HTTP port is only known once the listener is bound.
  let origins: { frontends: ReadonlySet<string>; allowed: ReadonlySet<string> } | null = null;
  const originSets = () => {
    if (origins) return origins;
    const frontends = new Set([...auth.allowedOrigins, new URL(appUrl()).origin]);
    const port = parts.httpPort();
    const own = [`http://127.0.0.1:${port}`, `http://localhost:${port}`, new URL(parts.httpUrl()).origin];
    origins = { frontends, allowed: new Set([...frontends, ...own]) };
    return origins;
  };
  const routes = authRoutes({
    service,
    log,
    maxBodyBytes: auth.limits.maxBodyBytes,
    trustProxyHops: auth.trustProxyHops,
    harness: auth.harness,
    allowedOrigins: () => originSets().allowed,
    frontendOrigins: () => originSets().frontends,
  });
  return { routes, service, close: () => store.close() };
}

/**
 * The embedded sink, reached like any app would: STARTTLS required, AUTH with the first
 * --smtp-auth-file user (or any credentials, which the sink accepts by default). The certificate
 * is not verified: it is this process's own listener on loopback, self-signed unless given.
 */
function sinkTarget(config: Config, port: number): SmtpTarget {
  const host = config.smtp.listen.host;
  const first = config.smtp.credentials ? [...config.smtp.credentials][0] : undefined;
  return {
    host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host,
    port,
    secure: config.smtp.requireTls,
    requireTls: true,
    verifyCertificate: false,
    user: first?.[0] ?? 'catchall-auth',
    password: first?.[1] ?? randomBytes(12).toString('hex'),
    ...timeouts(config),
  };
}

function urlTarget(config: Config): SmtpTarget {
  const url = config.auth.smtpUrl;
  if (!url) throw new Error('urlTarget needs --auth-smtp-url');
  return {
    host: url.host,
    port: url.port,
    secure: url.secure,
    requireTls: false,
    verifyCertificate: true,
    user: url.user,
    password: url.password,
    ...timeouts(config),
  };
}

function timeouts(config: Config) {
  const limits = config.auth.limits;
  return {
    connectTimeoutMs: limits.smtpConnectTimeoutMs,
    greetingTimeoutMs: limits.smtpGreetingTimeoutMs,
    socketTimeoutMs: limits.smtpSocketTimeoutMs,
    clientName: 'catchall-auth',
  };
}

/**
 * The code HMAC key: kept beside a persistent database (`<db>.auth-key`, owner-only), so codes
 * mailed before a restart still verify after it; random per process for a temporary one.
 */
function codeKeyFor(databaseFile: string, temporary: boolean, log: Log): string {
  if (temporary) return newCodeKey();
  const file = `${databaseFile}.auth-key`;
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // No key yet: made below.
  }
  const key = newCodeKey();
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  log.info(`auth: generated the code key ${file}`);
  return key;
}
