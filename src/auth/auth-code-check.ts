import type { AuthDeps } from './auth-deps.ts';
import { audit } from './auth-deps.ts';
import { AuthError, invalidCode, orThrow, refused } from './auth-errors.ts';
import { codeMac, macMatches } from './auth-secrets.ts';
import type { CodePurpose, CodeRecord } from './auth-types.ts';

/**
 * Checks a code and, if it matches, consumes it and runs `act` — all in one synchronous SQLite
 * transaction (specs/auth.md principle 4), so two concurrent requests can never both use it.
 * Failures are recorded in the same transaction, which therefore returns its error instead of
 * throwing it (a throw would roll the record back); it is thrown once the transaction committed.
 * `subject` is the email key (register, login) or "user:<id>" (email change); the throttles key
 * on it, not on a user row.
 */
export function checkCode<T>(
  deps: AuthDeps,
  purpose: CodePurpose,
  subject: string,
  code: string,
  ip: string,
  act: (record: CodeRecord) => T,
): T {
  const { store, limiter, limits, clock, codeKey } = deps;
  const outcome = store.atomic(() => {
    const ipRefusal = limiter.takeCodeCheck(ip);
    if (ipRefusal) return refused(ipRefusal);
    const gate = limiter.codeGate(purpose, subject);
    if (gate) return refused(gate);
    const record = store.secrets.code(purpose, subject);
    if (record?.exhausted) {
      return new AuthError(
        429,
        'code_attempts_exhausted',
        'this code took too many wrong tries; request a new one',
      );
    }
    // The MAC is computed and compared for every request, phantom or not, so timing is the same.
    const given = codeMac(codeKey, purpose, record?.emailKey ?? subject, code);
    if (record && macMatches(record.codeMac, given)) {
      store.secrets.deleteCode(purpose, subject);
      if (record.expiresAt <= clock.now()) {
        return new AuthError(400, 'code_expired', 'the code has expired; request a new one');
      }
      audit(deps, 'code_verified', record.emailKey, ip, purpose);
      return { value: act(record) };
    }
    const attempts = record
      ? store.secrets.failAttempt(purpose, subject, limits.codeAttempts)
      : limits.codeAttempts;
    limiter.codeFailed(purpose, subject);
    audit(deps, 'code_failed', record?.emailKey ?? subject, ip, `${purpose}, attempt ${attempts}`);
    return invalidCode(Math.max(0, limits.codeAttempts - attempts));
  });
  return orThrow(outcome).value;
}
