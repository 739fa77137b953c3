import { audit, type AuthDeps, type ClientContext } from './auth-deps.ts';
import { AuthError, invalidCode, invalidCredentials, refused } from './auth-errors.ts';
import { FieldChecks } from './auth-input.ts';
import type { CodeSent, MailFlows } from './auth-mail-flows.ts';
import { checkCode } from './auth-code-check.ts';
import { userJson, sessionJson, type SessionJson, type UserJson } from './auth-json.ts';
import type { Authenticated } from './auth-session-flows.ts';

/**
 * email/change and email/change/verify: the code goes to the new address, the old one is told at
 * the request and on success, and every other session ends. An address that already belongs to
 * another account gets a notice and a phantom code, so the answer is the same.
 */
export class EmailChangeFlows {
  private readonly deps: AuthDeps;
  private readonly mail: MailFlows;

  constructor(deps: AuthDeps, mail: MailFlows) {
    this.deps = deps;
    this.mail = mail;
  }

  async request(
    input: { newEmail: string; currentPassword: string },
    auth: Authenticated,
    client: ClientContext,
  ): Promise<CodeSent> {
    const { store, limiter, hasher, limits, passwordPolicy } = this.deps;
    const checks = new FieldChecks();
    const email = checks.email('newEmail', input.newEmail);
    const password = checks.existingPassword('currentPassword', input.currentPassword, passwordPolicy);
    if (email.key !== '' && email.key === auth.user.emailKey) {
      checks.errors.push({ field: 'newEmail', code: 'email_unchanged' });
    }
    checks.done();
    // The password is checked like a login, under the same throttles.
    const gate = store.atomic(() => limiter.loginGate(auth.user.emailKey, client.ip));
    if (gate) throw refused(gate);
    if (!(await hasher.verify(password, auth.user.passwordHash))) {
      store.atomic(() => {
        limiter.loginFailed(auth.user.emailKey, client.ip);
        audit(this.deps, 'login_failed', auth.user.emailKey, client.ip, 'email change: wrong password');
      });
      throw invalidCredentials();
    }
    const subject = `user:${auth.user.publicId}`;
    await this.mail.send('email_change', email.key, client, limits.resendCooldownMs, async () => {
      const taken = store.accounts.userByEmailKey(email.key);
      const extra = { subject, newEmail: email.address };
      return taken
        ? this.mail.codeMail(
            'email_change',
            email.address,
            email.key,
            { kind: 'email_change_unavailable' },
            extra,
          )
        : this.mail.codeMail(
            'email_change',
            email.address,
            email.key,
            (code) => ({
              kind: 'email_change_code',
              name: auth.user.name,
              code,
              minutes: this.mail.codeMinutes(),
            }),
            extra,
          );
    });
    await this.notify(auth.user.email, auth.user.emailKey, client, {
      kind: 'email_change_requested',
      newAddress: email.address,
    });
    return this.mail.codeSent('code_sent', email.address);
  }

  async verify(
    input: { code: string },
    auth: Authenticated,
    client: ClientContext,
  ): Promise<{ user: UserJson; session: SessionJson }> {
    const { store, limits, clock } = this.deps;
    const checks = new FieldChecks();
    const code = checks.code('code', input.code, limits.codeLength);
    checks.done();
    const oldEmail = auth.user.email;
    const outcome = checkCode(
      this.deps,
      'email_change',
      `user:${auth.user.publicId}`,
      code,
      client.ip,
      (record) => {
        if (record.newEmail === null) return 'invalid' as const;
        if (store.accounts.userByEmailKey(record.emailKey)) return 'taken' as const;
        store.accounts.updateEmail(auth.user.id, record.newEmail, record.emailKey, clock.now());
        const revoked = store.secrets.deleteSessionsOf(auth.user.id, auth.session.id);
        audit(this.deps, 'email_changed', record.emailKey, client.ip, `from ${auth.user.emailKey}`);
        if (revoked > 0)
          audit(this.deps, 'session_revoked', record.emailKey, client.ip, `${revoked} by email change`);
        return store.accounts.userById(auth.user.id);
      },
    );
    if (outcome === 'invalid' || outcome === null) throw invalidCode(0);
    if (outcome === 'taken') {
      throw new AuthError(409, 'email_unavailable', 'the new address was taken meanwhile; choose another');
    }
    await this.notify(oldEmail, auth.user.emailKey, client, {
      kind: 'email_changed',
      newAddress: outcome.email,
    });
    return { user: userJson(outcome), session: sessionJson(auth.session, limits.sessionIdleMs) };
  }

  /** Notices to the old address are best effort: the change itself does not depend on them. */
  private async notify(
    to: string,
    emailKey: string,
    client: ClientContext,
    mail: { kind: 'email_change_requested' | 'email_changed'; newAddress: string },
  ): Promise<void> {
    try {
      await this.deps.mailer(to, mail);
    } catch {
      // Best effort by design (see above); the audit trail records it.
      this.deps.store.atomic(() => audit(this.deps, 'mail_failed', emailKey, client.ip, mail.kind));
    }
  }
}
