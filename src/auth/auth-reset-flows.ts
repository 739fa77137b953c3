import { audit, type AuthDeps, type ClientContext } from './auth-deps.ts';
import { AuthError, orThrow, refused } from './auth-errors.ts';
import { FieldChecks } from './auth-input.ts';
import { isWellFormedToken, tokenHash } from './auth-secrets.ts';
import type { AuthUser, ResetTokenRecord } from './auth-types.ts';

const invalidToken = () =>
  new AuthError(400, 'invalid_token', 'the reset link is not valid; request a new one');
const tokenExpired = () =>
  new AuthError(400, 'token_expired', 'the reset link has expired; request a new one');

/** password/reset/check and password/reset. */
export class ResetFlows {
  private readonly deps: AuthDeps;

  constructor(deps: AuthDeps) {
    this.deps = deps;
  }

  /** Opening the link consumes nothing: mail scanners prefetch links (specs/auth.md). */
  check(input: { token: string }, client: ClientContext): { valid: true; expiresAt: string } {
    const record = orThrow(this.deps.store.atomic(() => this.find(input.token, client.ip)));
    return { valid: true, expiresAt: new Date(record.expiresAt).toISOString() };
  }

  /**
   * The policy is checked first (a policy error consumes nothing); then one transaction consumes
   * the token, sets the password, revokes every session, code and token of the user and clears
   * the login throttles; then "your password was changed" is mailed. No session is issued.
   */
  async reset(input: { token: string; newPassword: string }, client: ClientContext): Promise<void> {
    const { store, hasher, passwordPolicy, limiter, clock } = this.deps;
    const checks = new FieldChecks();
    const password = checks.newPassword('newPassword', input.newPassword, passwordPolicy);
    checks.done();
    orThrow(store.atomic(() => this.find(input.token, client.ip)));
    const passwordHash = await hasher.hash(password);
    const result = store.atomic((): AuthUser | AuthError => {
      // Looked up again: another request may have used the token while scrypt ran.
      const record = this.find(input.token, client.ip);
      if (record instanceof AuthError) return record;
      const found = store.accounts.userById(record.userId);
      if (!found) return invalidToken();
      store.accounts.updatePassword(found.id, passwordHash, clock.now());
      store.secrets.deleteResetTokensOf(found.id);
      const revoked = store.secrets.deleteSessionsOf(found.id);
      store.secrets.deleteCodesOf(found.emailKey, `user:${found.publicId}`);
      limiter.clearAccount(found.emailKey);
      audit(this.deps, 'reset_completed', found.emailKey, client.ip);
      if (revoked > 0) audit(this.deps, 'session_revoked', found.emailKey, client.ip, `${revoked} by reset`);
      return found;
    });
    const user = orThrow(result);
    try {
      await this.deps.mailer(user.email, { kind: 'password_changed', name: user.name });
    } catch {
      // The reset is done and committed; a failed notice must not make it look as if it was not.
      store.atomic(() => audit(this.deps, 'mail_failed', user.emailKey, client.ip, 'password_changed'));
    }
  }

  /**
   * Inside a transaction: the per-IP cap on invalid tokens, then the token. Unknown, used,
   * superseded and malformed tokens are all invalid_token and count against the IP (recorded in
   * the same transaction, which therefore returns the error instead of throwing it); a matching
   * expired one is token_expired.
   */
  private find(token: string, ip: string): ResetTokenRecord | AuthError {
    const { store, limiter, clock } = this.deps;
    const gate = limiter.resetGate(ip);
    if (gate) return refused(gate);
    const record = isWellFormedToken(token) ? store.secrets.resetToken(tokenHash(token)) : null;
    if (!record) {
      limiter.resetFailed(ip);
      return invalidToken();
    }
    return record.expiresAt <= clock.now() ? tokenExpired() : record;
  }
}
