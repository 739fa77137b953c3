import type { AuthConfig, AuthLimits, SmtpUrl } from './config-types.ts';
import { parseDuration, parseInteger, type Parsed } from './config-values.ts';

/** Reads the raw settings of the option table (config-load.ts builds it). */
export interface OptionReader {
  text(name: string, fallback: string): string;
  flag(name: string, fallback?: boolean): boolean;
  has(name: string): boolean;
  value<T>(name: string, fallback: T, parse: (s: string) => Parsed<T>): T;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The spec's ceiling for reset links: "60 min (24 h allowed by config)". */
const MAX_RESET_TTL_MS = DAY;
/** The spec's scrypt cost, N = 2^17 (OWASP Password Storage Cheat Sheet's minimum for r=8, p=1). */
export const STANDARD_SCRYPT_LN = 17;

/** Builds the auth section; problems go to `errors` naming the flag. */
export function buildAuthConfig(
  read: OptionReader,
  nodeEnv: string | undefined,
  errors: string[],
): AuthConfig {
  const int = (name: string, fallback: number, min: number, max: number) =>
    read.value(name, fallback, (s) => parseInteger(s, min, max));
  const duration = (name: string, fallback: number, max = 30 * DAY) =>
    read.value(name, fallback, (s) => parseDuration(s, max));

  const harness = read.flag('auth-harness');
  if (harness && nodeEnv === 'production') {
    errors.push('--auth-harness is refused when NODE_ENV=production (it lets any caller move the clock)');
  }
  const scryptLn = int('auth-scrypt-ln', STANDARD_SCRYPT_LN, 1, 20);
  if (scryptLn < STANDARD_SCRYPT_LN && !harness) {
    errors.push(`--auth-scrypt-ln below ${STANDARD_SCRYPT_LN} is only allowed with --auth-harness`);
  }
  const passwordMin = int('auth-password-min', 15, 8, 128);
  const passwordMax = int('auth-password-max', 128, 8, 1024);
  if (passwordMin > passwordMax) errors.push('--auth-password-min is larger than --auth-password-max');
  const codeKey = read.has('auth-code-key') ? read.text('auth-code-key', '') : null;
  if (codeKey !== null && codeKey.length < 32) {
    errors.push('--auth-code-key must be at least 32 characters (use e.g. `openssl rand -hex 32`)');
  }

  const limits: AuthLimits = {
    codeLength: int('auth-code-length', 6, 4, 10),
    codeTtlMs: duration('auth-code-ttl', 10 * MINUTE, DAY),
    codeAttempts: int('auth-code-attempts', 5, 1, 100),
    codeFailuresPerHour: int('auth-code-failures-per-hour', 10, 1, 10_000),
    codeLockout: int('auth-code-lockout', 100, 1, 1_000_000),
    resendCooldownMs: duration('auth-resend-cooldown', 60 * SECOND, DAY),
    forgotCooldownMs: duration('auth-forgot-cooldown', 300 * SECOND, DAY),
    mailsPerDay: int('auth-mails-per-day', 10, 1, 1_000_000),
    ipMailBurst: int('auth-ip-mail-burst', 5, 1, 1_000_000),
    ipMailPerHour: int('auth-ip-mail-per-hour', 30, 1, 1_000_000),
    ipCodeChecks: int('auth-ip-code-checks', 30, 1, 1_000_000),
    ipCodeWindowMs: duration('auth-ip-code-window', 5 * MINUTE, DAY),
    ipLoginFailures: int('auth-ip-login-failures', 10, 1, 1_000_000),
    ipLoginBlockMs: duration('auth-ip-login-block', 10 * MINUTE, DAY),
    loginThrottleAfter: int('auth-login-throttle-after', 5, 1, 1_000_000),
    loginThrottleWaitsMs: read.value(
      'auth-login-throttle-waits',
      [1, 2, 4, 8, 16, 30, 60, 180, 300].map((s) => s * SECOND),
      parseSecondsList,
    ),
    loginLockout: int('auth-login-lockout', 100, 1, 1_000_000),
    ipResetFailures: int('auth-ip-reset-failures', 10, 1, 1_000_000),
    ipResetWindowMs: duration('auth-ip-reset-window', 15 * MINUTE, DAY),
    resetTtlMs: duration('auth-reset-ttl', HOUR, MAX_RESET_TTL_MS),
    sessionTtlMs: duration('auth-session-ttl', DAY),
    sessionIdleMs: duration('auth-session-idle', HOUR),
    passwordMin,
    passwordMax,
    maxBodyBytes: int('auth-max-body', 16 * 1024, 256, 1024 * 1024),
    smtpConnectTimeoutMs: duration('auth-smtp-connect-timeout', 5 * SECOND, 10 * MINUTE),
    smtpGreetingTimeoutMs: duration('auth-smtp-greeting-timeout', 5 * SECOND, 10 * MINUTE),
    smtpSocketTimeoutMs: duration('auth-smtp-socket-timeout', 10 * SECOND, 10 * MINUTE),
  };

  return {
    enabled: read.flag('auth', true),
    smtpUrl: read.has('auth-smtp-url')
      ? read.value<SmtpUrl | null>('auth-smtp-url', null, parseSmtpUrl)
      : null,
    appUrl: read.has('auth-app-url') ? read.value<string | null>('auth-app-url', null, parseAppUrl) : null,
    mailFrom: read.value('auth-mail-from', 'no-reply@catchall.localhost', parseMailFrom),
    locale: read.value<'en' | 'zh'>('auth-locale', 'en', parseLocale),
    harness,
    allowedOrigins: read.value('auth-allowed-origins', [], parseOriginList),
    trustProxyHops: int('trust-proxy-hops', 0, 0, 10),
    codeKey: codeKey !== null && codeKey.length >= 32 ? codeKey : null,
    scryptLn,
    limits,
  };
}

function parseSmtpUrl(s: string): Parsed<SmtpUrl> {
  // Errors show the URL with its password masked: stderr often ends up in CI logs.
  const shown = s.replace(/^([^:/]*:\/\/[^:/@]*):.*@/, '$1:***@');
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return { ok: false, error: `"${shown}" is not a URL (e.g. smtp://user:pass@mail.example:587)` };
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    return { ok: false, error: `"${url.protocol}" is not smtp: or smtps:` };
  }
  if (!url.hostname) return { ok: false, error: `"${shown}" has no host` };
  const secure = url.protocol === 'smtps:';
  return {
    ok: true,
    value: {
      secure,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      user: url.username ? decodeURIComponent(url.username) : null,
      password: url.password ? decodeURIComponent(url.password) : null,
    },
  };
}

/**
 * An http(s) URL without credentials, query or fragment (it goes into every mailed link); the
 * trailing "/" is dropped so paths can be appended.
 */
function parseAppUrl(s: string): Parsed<string> {
  try {
    const url = new URL(s);
    const plain = !url.search && !url.hash && !url.username && !url.password;
    if ((url.protocol === 'http:' || url.protocol === 'https:') && plain) {
      return { ok: true, value: url.href.replace(/\/+$/, '') };
    }
  } catch {
    // Reported below with the expected form.
  }
  return { ok: false, error: `"${s}" is not an http(s) URL without credentials, query or fragment` };
}

function parseMailFrom(s: string): Parsed<string> {
  return /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$/.test(s.trim())
    ? { ok: true, value: s.trim() }
    : { ok: false, error: `"${s}" is not a plain email address` };
}

function parseLocale(s: string): Parsed<'en' | 'zh'> {
  const value = s.trim().toLowerCase();
  return value === 'en' || value === 'zh'
    ? { ok: true, value }
    : { ok: false, error: `"${s}" is not a supported locale (en or zh)` };
}

/** Full origins only (scheme://host[:port]): credentials are at stake, so no wildcards. */
function parseOriginList(s: string): Parsed<string[]> {
  const origins: string[] = [];
  for (const part of s
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)) {
    let origin: string | null = null;
    try {
      const url = new URL(part);
      // The URL parser keeps "*" in a host name: "http://*.example" would parse, yet match nothing.
      const plainHost = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])$/.test(url.hostname);
      if (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        plainHost &&
        url.origin === part.replace(/\/$/, '')
      ) {
        origin = url.origin;
      }
    } catch {
      // Reported below.
    }
    if (!origin) return { ok: false, error: `"${part}" is not an origin (e.g. http://localhost:5173)` };
    origins.push(origin);
  }
  return { ok: true, value: origins };
}

function parseSecondsList(s: string): Parsed<number[]> {
  const parts = s.split(',').map((p) => p.trim());
  const values = parts.map(Number);
  if (
    parts.length === 0 ||
    values.some((v, i) => parts[i] === '' || !Number.isInteger(v) || v < 0 || v > 86_400)
  ) {
    return { ok: false, error: `"${s}" is not a list of whole seconds (e.g. 1,2,4,8)` };
  }
  return { ok: true, value: values.map((v) => v * SECOND) };
}
