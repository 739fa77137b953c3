import type { AuthLimits } from '../config/config-types.ts';
import type { AuthLimitRows } from '../store/auth-limit-rows.ts';
import type { AuthClock } from './auth-clock.ts';
import type { CodePurpose } from './auth-types.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A refusal: which 429 and when to come back (null: no Retry-After, e.g. the lockouts). */
export interface Refusal {
  readonly code: 'rate_limited' | 'too_many_attempts';
  readonly retryAfterMs: number | null;
  /** For the audit trail. */
  readonly reason: string;
}

/** Hit ids taken before a mail is sent, released if the send fails (principle 5). */
export interface Reservation {
  readonly hits: readonly number[];
}

/**
 * Every throttle of specs/auth.md, keyed on the normalised submitted email and the client IP,
 * never on a user row, so unknown addresses are throttled exactly like known ones. All methods
 * are synchronous and meant to run inside one AuthStore.atomic() with the action they guard.
 */
export class AuthLimiter {
  private readonly rows: AuthLimitRows;
  private readonly limits: AuthLimits;
  private readonly clock: AuthClock;

  constructor(rows: AuthLimitRows, limits: AuthLimits, clock: AuthClock) {
    this.rows = rows;
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * Before a mail: the per-(purpose, address) cooldown, the per-address daily cap and the
   * per-IP bucket. All are checked before any is taken, so a refusal costs nothing.
   */
  takeMailBudget(
    cooldownScope: string,
    emailKey: string,
    ip: string,
    cooldownMs: number,
  ): Refusal | Reservation {
    const now = this.clock.now();
    const last = this.rows.newest(cooldownScope, emailKey);
    if (last !== null && last > now - cooldownMs) {
      return { code: 'rate_limited', retryAfterMs: last + cooldownMs - now, reason: 'cooldown' };
    }
    const dayFull = this.windowFull('mail-day', emailKey, this.limits.mailsPerDay, DAY, now);
    if (dayFull !== null) return { code: 'rate_limited', retryAfterMs: dayFull, reason: 'daily cap' };
    const tokens = this.bucketTokens(ip, now);
    if (tokens < 1) {
      const perMs = this.limits.ipMailPerHour / HOUR;
      return { code: 'rate_limited', retryAfterMs: (1 - tokens) / perMs, reason: 'ip bucket' };
    }
    this.rows.setBucket(`mail:${ip}`, tokens - 1, now);
    return { hits: [this.rows.hit(cooldownScope, emailKey, now), this.rows.hit('mail-day', emailKey, now)] };
  }

  /** The send failed: the cooldown and daily slot are given back (the IP token is not). */
  release(reservation: Reservation): void {
    this.rows.releaseHits(reservation.hits);
  }

  private bucketTokens(ip: string, now: number): number {
    const bucket = this.rows.bucket(`mail:${ip}`);
    if (!bucket) return this.limits.ipMailBurst;
    const refill = (Math.max(0, now - bucket.updatedAt) * this.limits.ipMailPerHour) / HOUR;
    return Math.min(this.limits.ipMailBurst, bucket.tokens + refill);
  }

  /** Every code check counts per IP (30 per 5 minutes by default); refused ones are not counted. */
  takeCodeCheck(ip: string): Refusal | null {
    const now = this.clock.now();
    const full = this.windowFull('ip-code', ip, this.limits.ipCodeChecks, this.limits.ipCodeWindowMs, now);
    if (full !== null) return this.tooMany(full, 'ip code checks');
    this.rows.hit('ip-code', ip, now);
    return null;
  }

  /**
   * Whether a code for (purpose, address) may be checked: the rolling-hour cap of failures
   * (a new code does not reset it) and, for login, the consecutive-failure lockout.
   */
  codeGate(purpose: CodePurpose, emailKey: string): Refusal | null {
    const now = this.clock.now();
    const scope = `code-fail:${purpose}`;
    const full = this.windowFull(scope, emailKey, this.limits.codeFailuresPerHour, HOUR, now);
    if (full !== null) return this.tooMany(full, 'hourly code failures');
    if (
      purpose === 'login' &&
      this.rows.counter('code-consecutive', emailKey).count >= this.limits.codeLockout
    ) {
      return { code: 'too_many_attempts', retryAfterMs: null, reason: 'code login locked' };
    }
    return null;
  }

  codeFailed(purpose: CodePurpose, emailKey: string): void {
    const now = this.clock.now();
    this.rows.hit(`code-fail:${purpose}`, emailKey, now);
    if (purpose === 'login') this.bump('code-consecutive', emailKey, now);
  }

  /** A password login or reset re-enables code login; a code login clears its own streak. */
  clearCodeFailures(emailKey: string): void {
    this.rows.clearCounter('code-consecutive', emailKey);
  }

  /**
   * Before a password check: the per-IP block, the per-address lockout (no Retry-After: a reset is
   * required) and the per-address waits after repeated failures (the password is not checked).
   */
  loginGate(emailKey: string, ip: string): Refusal | null {
    const now = this.clock.now();
    const blocked = this.ipLoginBlock(ip);
    if (blocked) return blocked;
    const account = this.rows.counter('login', emailKey);
    if (account.count >= this.limits.loginLockout) {
      return { code: 'too_many_attempts', retryAfterMs: null, reason: 'password login locked' };
    }
    if (account.count >= this.limits.loginThrottleAfter) {
      const waits = this.limits.loginThrottleWaitsMs;
      const index = Math.min(account.count - this.limits.loginThrottleAfter, waits.length - 1);
      const until = account.lastAt + (waits[index] ?? 0);
      if (until > now) return this.tooMany(until - now, 'login throttle');
    }
    return null;
  }

  /** The per-IP block after consecutive failed password logins (every login endpoint). */
  ipLoginBlock(ip: string): Refusal | null {
    const now = this.clock.now();
    const counter = this.rows.counter('ip-login', ip);
    return counter.blockedUntil > now ? this.tooMany(counter.blockedUntil - now, 'ip login block') : null;
  }

  /** Counts a failed password login; returns what it triggered, for the audit trail. */
  loginFailed(emailKey: string, ip: string): { ipLocked: boolean; accountLocked: boolean } {
    const now = this.clock.now();
    const account = this.bump('login', emailKey, now);
    const ipCount = this.rows.counter('ip-login', ip).count + 1;
    const ipLocked = ipCount >= this.limits.ipLoginFailures;
    this.rows.setCounter('ip-login', ip, {
      count: ipLocked ? 0 : ipCount,
      lastAt: now,
      blockedUntil: ipLocked ? now + this.limits.ipLoginBlockMs : 0,
    });
    return { ipLocked, accountLocked: account === this.limits.loginLockout };
  }

  loginSucceeded(emailKey: string, ip: string): void {
    this.rows.clearCounter('login', emailKey);
    this.rows.clearCounter('ip-login', ip);
    this.clearCodeFailures(emailKey);
  }

  /** A password reset clears the address's login throttles and lockouts. */
  clearAccount(emailKey: string): void {
    this.rows.clearCounter('login', emailKey);
    this.clearCodeFailures(emailKey);
  }

  resetGate(ip: string): Refusal | null {
    const now = this.clock.now();
    const { ipResetFailures, ipResetWindowMs } = this.limits;
    const full = this.windowFull('ip-reset-fail', ip, ipResetFailures, ipResetWindowMs, now);
    return full === null ? null : this.tooMany(full, 'invalid reset tokens');
  }

  resetFailed(ip: string): void {
    this.rows.hit('ip-reset-fail', ip, this.clock.now());
  }

  /** A rolling window at its limit: the ms until its oldest hit leaves it; null if not full. */
  private windowFull(
    scope: string,
    key: string,
    limit: number,
    windowMs: number,
    now: number,
  ): number | null {
    const since = now - windowMs;
    if (this.rows.count(scope, key, since) < limit) return null;
    return (this.rows.oldest(scope, key, since) ?? now) + windowMs - now;
  }

  private bump(scope: string, key: string, now: number): number {
    const count = this.rows.counter(scope, key).count + 1;
    this.rows.setCounter(scope, key, { count, lastAt: now, blockedUntil: 0 });
    return count;
  }

  private tooMany(retryAfterMs: number, reason: string): Refusal {
    return { code: 'too_many_attempts', retryAfterMs: Math.max(0, retryAfterMs), reason };
  }
}
